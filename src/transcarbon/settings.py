"""One settings object, read from the environment (prefix ``TRANSCARBON_``) and an optional ``.env``.

Every face reads its configuration here; ``settings`` imports nothing else of the package.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Runtime configuration. Secrets come from the environment only, never from the repository.

    Data and accounting:

    - ``TRANSCARBON_DATA_DIR``: where the default SQLite database, uploaded files and exports live.
    - ``TRANSCARBON_DATABASE_URL``: SQLAlchemy URL; default ``sqlite:///<data_dir>/transcarbon.db``.
      PostgreSQL: ``postgresql+psycopg://user@host:5432/dbname``.
    - ``TRANSCARBON_AUTO_MIGRATE``: the web app migrates the database to the newest schema when it starts.
    - ``TRANSCARBON_CITY``: the city configuration (packaged name or a YAML path).
    - ``TRANSCARBON_GWP``: default GWP set for CO2e (AR5: the set China's first Biennial
      Transparency Report uses under the Paris Agreement's reporting rules).
    - ``TRANSCARBON_FACTOR_SET``: default fuel-property set (empty: the library's default).
    - ``TRANSCARBON_DEFAULT_REGION``: the grid region of records that name none.
    - ``TRANSCARBON_ACTOR``: who the CLI records as the actor of runs and audit entries.
    - ``TRANSCARBON_AUDIT_KEY``: the audit chain's key(s), comma-separated, newest first (at least 32
      characters each); unset: key files under ``<data_dir>/keys/audit/`` (see ``services.keys``).
    - ``TRANSCARBON_LEDGER_KEY``, ``TRANSCARBON_CREDITS_KEY``: the same for the green-trip credit ledger's chain
      and for users' pseudonyms and partners' secrets (``<data_dir>/keys/ledger/``, ``<data_dir>/keys/credits/``).

    The web app and the REST API:

    - ``TRANSCARBON_COOKIE_SECURE``: send cookies over HTTPS only; unset: when the request came over HTTPS
      (behind a TLS proxy, run uvicorn with ``--proxy-headers``, or set it true).
    - ``TRANSCARBON_TOKEN_DAYS``: how long a new API token is valid [days].
    - ``TRANSCARBON_SESSION_HOURS``: browser session lifetime [h].
    - ``TRANSCARBON_LOGIN_MAX_FAILURES`` / ``TRANSCARBON_LOGIN_BACKOFF_SECONDS`` /
      ``TRANSCARBON_LOGIN_WINDOW_MINUTES``: login throttling per (user name, address): free failures, then a
      wait of backoff [s] doubling with each further failure, at most the window [min], after which failures
      are forgotten.
    - ``TRANSCARBON_FOUR_EYES``: an approver must be neither the uploader nor the submitter (default true).
    - ``TRANSCARBON_MAX_UPLOAD_MB``: largest accepted upload [MiB]; ``TRANSCARBON_MAX_XLSX_EXPANDED_MB``: the most
      a workbook may inflate to [MiB]; ``TRANSCARBON_MAX_UPLOAD_ROWS`` / ``TRANSCARBON_MAX_UPLOAD_COLUMNS``: data
      rows and columns of one upload.
    - ``TRANSCARBON_ARGON2_TIME_COST`` / ``TRANSCARBON_ARGON2_MEMORY_KIB``: password hashing cost
      (iterations, memory [KiB]).
    """

    model_config = SettingsConfigDict(env_prefix="TRANSCARBON_", env_file=".env", extra="ignore")

    data_dir: Path = Path("var")
    database_url: str | None = None
    auto_migrate: bool = True
    city: str = "lianyungang"
    gwp: str = "AR5"
    factor_set: str | None = None
    default_region: str = "CN-JS"
    actor: str = Field(default="cli")
    audit_key: SecretStr | None = None
    ledger_key: SecretStr | None = None
    credits_key: SecretStr | None = None

    cookie_secure: bool | None = None
    token_days: float = 90.0
    session_hours: float = 12.0
    login_max_failures: int = 5
    login_backoff_seconds: float = 2.0
    login_window_minutes: float = 15.0
    four_eyes: bool = True
    max_upload_mb: float = 100.0
    max_xlsx_expanded_mb: float = 256.0
    max_upload_rows: int = 200_000
    max_upload_columns: int = 100
    argon2_time_cost: int = 3
    argon2_memory_kib: int = 65536

    def key_text(self, purpose: str) -> str | None:
        """The key ring text configured for ``purpose`` (``audit``; ``ledger``: the credit ledger's chain;
        ``credits``: users' pseudonyms and partners' secrets), or ``None`` (keys in files)."""
        secret = {"audit": self.audit_key, "ledger": self.ledger_key, "credits": self.credits_key}.get(purpose)
        return secret.get_secret_value() if secret is not None else None

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'transcarbon.db').as_posix()}"


@cache
def get_settings() -> Settings:
    """The process-wide settings (tests build their own ``Settings``)."""
    return Settings()
