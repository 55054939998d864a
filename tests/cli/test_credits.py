"""``transcarbon credits``: on the demo database the ledger verifies; ``partner add --json`` prints the key and the
secret once; matching, expiry, retention, deletion and reversal run; an edited entry makes ``verify`` exit 1."""

from __future__ import annotations

import json
from collections.abc import Callable

from sqlalchemy import text
from typer.testing import CliRunner, Result

from transcarbon.cli import app
from transcarbon.store import db

runner = CliRunner()


def test_credits_commands_on_the_demo(demo_env: str, clean_failure: Callable[[Result, int], None]) -> None:
    res = runner.invoke(app, ["credits", "verify"])
    assert res.exit_code == 0, res.output
    assert "credit ledger intact" in res.stdout
    res = runner.invoke(app, ["credits", "partner", "add", "新出行 App", "--kind", "maas", "--json"])
    assert res.exit_code == 0, res.output
    made = json.loads(res.stdout)
    assert set(made) == {"partner_id", "key", "secret"} and made["key"].startswith("pk_") and len(made["secret"]) == 64
    clean_failure(runner.invoke(app, ["credits", "partner", "add", "新出行 App", "--json"]), 1)  # the name is taken
    clean_failure(runner.invoke(app, ["credits", "partner", "add", "x", "--kind", "taxi"]), 1)
    res = runner.invoke(app, ["credits", "partner", "add", "另一个 App", "--kind", "bike_share"])
    assert res.exit_code == 0 and "shown this once" in " ".join(res.stdout.split()), res.output
    res = runner.invoke(app, ["credits", "partner", "rotate", str(made["partner_id"]), "--grace-hours", "24", "--json"])
    assert res.exit_code == 0, res.output
    rotated = json.loads(res.stdout)
    assert set(rotated) == {"partner_id", "key", "secret", "previous_valid_until"} and rotated["key"] != made["key"]
    res = runner.invoke(app, ["credits", "partner", "rotate", str(made["partner_id"])])  # the city's 72 h
    assert res.exit_code == 0 and "shown this once" in " ".join(res.stdout.split()), res.output
    clean_failure(runner.invoke(app, ["credits", "partner", "rotate", "99999"]), 1)
    clean_failure(runner.invoke(app, ["credits", "partner", "rotate", "1", "--grace-hours", "-1"]), 2)
    res = runner.invoke(app, ["credits", "rotate-key"])  # the tests keep the ledger key in the environment
    clean_failure(res, 2)
    assert "TRANSCARBON_LEDGER_KEY" in res.stderr
    assert runner.invoke(app, ["credits", "match", "--as-of", "2025-12-20"]).exit_code == 0
    assert runner.invoke(app, ["credits", "expire", "--as-of", "2025-12-20"]).exit_code == 0
    clean_failure(runner.invoke(app, ["credits", "expire", "--as-of", "soon"]), 2)
    res = runner.invoke(app, ["credits", "forget", "demo-user-0003"])
    assert res.exit_code == 0 and "personal data of account" in res.stdout, res.output
    clean_failure(runner.invoke(app, ["credits", "forget", "demo-user-0003"]), 1)
    assert runner.invoke(app, ["credits", "purge", "--as-of", "2026-01-01"]).exit_code == 0
    # the daily pass: match, expire, purge in one go; a second run as of the same day changes nothing
    first = runner.invoke(app, ["credits", "daily", "--as-of", "2026-02-01", "--json"])
    assert first.exit_code == 0, first.output
    done = json.loads(first.stdout)
    assert set(done) == {"as_of", "matched", "expired", "purged"} and done["as_of"].startswith("2026-02-01")
    again = json.loads(runner.invoke(app, ["credits", "daily", "--as-of", "2026-02-01", "--json"]).stdout)
    assert again["matched"] == {"credited": 0, "review": 0, "expired": 0}
    assert again["expired"] == {"accounts": 0, "points": 0} and again["purged"] == {"trips": 0, "fares": 0}
    res = runner.invoke(app, ["credits", "daily", "--as-of", "2026-02-01"])
    assert res.exit_code == 0 and "fare matching" in res.stdout, res.output
    clean_failure(runner.invoke(app, ["credits", "daily", "--as-of", "tomorrow"]), 2)
    res = runner.invoke(app, ["credits", "reverse", "2", "--note", "test"])
    assert res.exit_code in (0, 1), res.output  # trip 2 may not be a credited one: refused cleanly then
    assert runner.invoke(app, ["credits", "verify"]).exit_code == 0
    engine = db.make_engine(demo_env)
    with engine.begin() as conn:
        conn.execute(text("UPDATE credit_ledger SET points = points + 100 WHERE id = 10"))
    engine.dispose()
    res = runner.invoke(app, ["credits", "verify"])
    clean_failure(res, 1)
    assert "edited" in res.stderr and "balance" in res.stderr
