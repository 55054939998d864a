"""One settings object, read from the environment (prefix ``TRANSCARBON_``) and an optional ``.env``."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Runtime configuration. Secrets come from the environment only, never from the repository.

    - ``TRANSCARBON_DATA_DIR``: where the default SQLite database, uploaded files and exports live.
    - ``TRANSCARBON_DATABASE_URL``: SQLAlchemy URL; default ``sqlite:///<data_dir>/transcarbon.db``.
      PostgreSQL: ``postgresql+psycopg://user@host:5432/dbname``.
    - ``TRANSCARBON_CITY``: the city configuration (packaged name or a YAML path).
    - ``TRANSCARBON_GWP``: default GWP set for CO2e (AR5: the set China's first Biennial
      Transparency Report uses under the Paris Agreement's reporting rules).
    - ``TRANSCARBON_FACTOR_SET``: default fuel-property set (empty: the library's default).
    - ``TRANSCARBON_ACTOR``: who the CLI records as the actor of runs and audit entries.
    """

    model_config = SettingsConfigDict(env_prefix="TRANSCARBON_", env_file=".env", extra="ignore")

    data_dir: Path = Path("var")
    database_url: str | None = None
    city: str = "lianyungang"
    gwp: str = "AR5"
    factor_set: str | None = None
    default_region: str = "CN-JS"
    actor: str = Field(default="cli")

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'transcarbon.db').as_posix()}"


@cache
def get_settings() -> Settings:
    """The process-wide settings (tests build their own ``Settings``)."""
    return Settings()
