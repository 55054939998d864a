"""Settings of the web platform (environment, prefix ``TRANSCARBON_``), beside the core's :class:`Settings`.

- ``TRANSCARBON_COOKIE_SECURE``: send session cookies over HTTPS only (set true behind TLS).
- ``TRANSCARBON_SESSION_HOURS``: browser session lifetime.
- ``TRANSCARBON_LOGIN_MAX_FAILURES`` / ``TRANSCARBON_LOGIN_WINDOW_MINUTES``: login throttling per user name;
  ``TRANSCARBON_LOGIN_MAX_FAILURES_PER_REMOTE`` per client address.
- ``TRANSCARBON_MAX_UPLOAD_MB``: largest accepted upload.
- ``TRANSCARBON_ARGON2_TIME_COST`` / ``TRANSCARBON_ARGON2_MEMORY_KIB``: password hashing cost.
"""

from __future__ import annotations

from datetime import timedelta

from pydantic_settings import BaseSettings, SettingsConfigDict

from transcarbon.services.users import LoginPolicy


class PlatformSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TRANSCARBON_", env_file=".env", extra="ignore")

    cookie_secure: bool = False
    session_hours: float = 12.0
    login_max_failures: int = 5
    login_max_failures_per_remote: int = 50
    login_window_minutes: float = 15.0
    max_upload_mb: float = 100.0
    argon2_time_cost: int = 3
    argon2_memory_kib: int = 65536
    auto_migrate: bool = True

    def login_policy(self) -> LoginPolicy:
        return LoginPolicy(max_failures=self.login_max_failures,
                           max_failures_per_remote=self.login_max_failures_per_remote,
                           window=timedelta(minutes=self.login_window_minutes),
                           session_lifetime=timedelta(hours=self.session_hours))
