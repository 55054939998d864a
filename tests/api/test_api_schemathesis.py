"""Property-based API test from the OpenAPI document (schemathesis): bounded examples per operation,
as a bureau analyst and anonymously; no request may cause a server error (5xx)."""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error

from platform_fixtures import make_platform

EXAMPLES = 6


@pytest.mark.slow
def test_no_server_errors(tmp_path: Path) -> None:
    platform = make_platform(f"sqlite:///{(tmp_path / 'fuzz.db').as_posix()}", tmp_path)
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", platform.app)
    operations = [r.ok() for r in schema.get_all_operations()]
    assert len(operations) >= 25
    calls = 0
    for op in operations:

        @given(case=op.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def run(case) -> None:  # type: ignore[no-untyped-def]
            nonlocal calls
            calls += 2
            case.call_and_validate(headers=platform.h("analyst"), checks=[not_a_server_error])
            case.call_and_validate(checks=[not_a_server_error])

        run()
    assert calls >= 2 * len(operations)
