"""Settings from the environment and `.env` (environment wins). Secrets are SecretStr: never printed."""

from __future__ import annotations

import hmac
import logging
from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class Settings(BaseSettings):
    # A blank `NAME=` (as left by copying .env.example) means "not set", not "set to nothing".
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", env_ignore_empty=True
    )

    knowledge_dir: Path = Path("knowledge")
    default_posting: str | None = None
    log_level: str = "INFO"

    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_api_base_url: str | None = None
    port: int = Field(3000, ge=1, le=65535)
    http_max_connections: int = Field(1000, ge=10, le=100_000)
    http_idle_timeout: int = Field(10, ge=1, le=3600)  # seconds
    http_workers: int = Field(1, ge=1, le=64)  # processes answering on PORT (one core each)
    recruiter_channel: str | None = None
    admin_channel: str | None = None
    admin_user_ids: Annotated[frozenset[str], NoDecode] = frozenset()

    # The job boards' public APIs, read by `import URL` and `sync`; other values point at a stand-in.
    greenhouse_api_base_url: str = "https://boards-api.greenhouse.io"
    lever_api_base_url: str = "https://api.lever.co"

    database_url: str | None = None  # any SQLAlchemy URL; wins over DATABASE_PATH
    database_path: Path = Path("data/posting-bot.sqlite3")  # shorthand for a SQLite file
    retention_days: int = Field(90, ge=1)
    hash_key: SecretStr | None = None  # keys the pseudonyms of user ids in the store
    # How long an acknowledged event is its process's before a restart or another replica answers it.
    event_lease_seconds: float = Field(30.0, gt=0, le=900)

    def user_hash_key(self) -> bytes | None:
        """HASH_KEY, else a key derived from a Slack secret (pseudonyms then change if it is rotated)."""
        if self.hash_key is not None:
            return self.hash_key.get_secret_value().encode()
        for secret in (self.slack_signing_secret, self.slack_bot_token):
            if secret is not None:
                raw = secret.get_secret_value().encode()
                return hmac.new(raw, b"posting-bot user ids", "sha256").digest()
        return None

    def database(self) -> str:
        """The question log's SQLAlchemy URL: DATABASE_URL, else the SQLite file at DATABASE_PATH."""
        return self.database_url or f"sqlite:///{self.database_path}"

    @field_validator("admin_user_ids", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            return frozenset(part.strip() for part in value.split(",") if part.strip())
        return value

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        if value.upper() not in logging.getLevelNamesMapping():
            raise ValueError("must be one of DEBUG, INFO, WARNING, ERROR")
        return value.upper()

    @property
    def slack_configured(self) -> bool:
        return self.slack_bot_token is not None


class SettingsError(ValueError):
    """A setting is missing or malformed; the message names the environment variable."""


def load_settings() -> Settings:
    """Settings from the environment and `.env`; SettingsError naming the first bad variable."""
    try:
        return Settings()
    except ValidationError as exc:
        error = exc.errors()[0]
        name = "_".join(str(part) for part in error["loc"][:1]).upper()
        message = str(error["msg"]).removeprefix("Value error, ")
        # Never print what a secret was set to.
        shown = "" if "TOKEN" in name or "SECRET" in name else f" (got {error['input']!r})"
        raise SettingsError(f"{name}: {message[:1].lower()}{message[1:]}{shown}") from exc
