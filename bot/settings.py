"""Configuration from the environment and an optional ``.env`` file.

Problems are reported as one line naming the variable (``SettingsError``), never as a traceback:
the CLI turns them into exit status 2.
"""

import re
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{2,}$")
DEFAULT_REMINDER_OFFSETS = ("14d", "7d", "1d", "1h")
QUEUE_SCHEMES = ("redis://", "rediss://", "postgresql", "postgres://", "sqlite:///")
OFFSET = re.compile(r"^(\d+)([dhm])$")


class SettingsError(Exception):
    """A setting is missing or malformed; the message names the environment variable."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", case_sensitive=False)

    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_api_url: str = "https://slack.com/api/"
    database_url: str = "sqlite:///itwg.db"
    itwg_channel: str | None = None
    itwg_timezone: str = "Europe/Vienna"
    port: int = Field(default=3000, ge=1, le=65535)
    itwg_calendar_secret: SecretStr | None = None
    itwg_organizer_email: str = "itwg-secretariat@unodc.org"
    itwg_public_registry: bool = False
    itwg_reminder_offsets: Annotated[tuple[str, ...], NoDecode] = DEFAULT_REMINDER_OFFSETS
    # Where acknowledged work waits for a worker: redis://…, postgresql://… or sqlite:///FILE. Unset:
    # the database's own PostgreSQL, or a SQLite file beside the SQLite database (bot.queue).
    itwg_queue_url: str | None = None
    # How long a worker may hold a task before the sweep hands it to another (it is presumed dead).
    itwg_task_lease_seconds: int = Field(default=120, ge=1, le=3600)
    # E-mail: smtp://user:pass@host:port (smtps:// or ?starttls=1 for TLS) and the From address.
    # Without both, e-mail is off and the bot reaches people on Slack alone.
    itwg_smtp_url: SecretStr | None = None
    itwg_mail_from: str | None = None
    # Where people reach the web process (https://itwg.example.org), for links in e-mails.
    itwg_web_url: str = "http://localhost:3000"
    # Signs personal links in e-mails (sharing, unsubscribing); unset: the Slack signing secret.
    itwg_link_secret: SecretStr | None = None
    itwg_share_link_days: int = Field(default=14, ge=1, le=90)

    @field_validator("slack_api_url")
    @classmethod
    def _api_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL such as https://slack.com/api/")
        return value if value.endswith("/") else value + "/"

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        try:
            make_url(value)
        except ArgumentError as error:
            raise ValueError("must be a URL such as sqlite:///itwg.db or postgresql://…") from error
        return value

    @field_validator("itwg_queue_url")
    @classmethod
    def _queue_url(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        if not value.startswith(QUEUE_SCHEMES):
            raise ValueError("must be a redis://, postgresql:// or sqlite:/// URL")
        return value

    @field_validator("itwg_smtp_url")
    @classmethod
    def _smtp_url(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value():
            return None
        if not value.get_secret_value().startswith(("smtp://", "smtps://")):
            raise ValueError("must be like smtp://user:pass@host:587?starttls=1 or smtps://host:465")
        return value

    @field_validator("itwg_web_url")
    @classmethod
    def _web_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL such as https://itwg.example.org")
        return value.rstrip("/")

    @field_validator("itwg_channel")
    @classmethod
    def _channel(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        if not CHANNEL_ID.match(value):
            raise ValueError("must be a channel ID such as C0123456789 (not a #name)")
        return value

    @field_validator("itwg_timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError, OSError) as error:
            # OSError: a directory of the time-zone database (America/Argentina) is not a zone.
            raise ValueError(f"unknown IANA timezone {value!r}, e.g. Europe/Vienna") from error
        return value

    @field_validator("itwg_reminder_offsets", mode="before")
    @classmethod
    def _offsets(cls, value: object) -> tuple[str, ...]:
        items = value.split(",") if isinstance(value, str) else list(value)  # type: ignore[arg-type]
        offsets = tuple(item.strip() for item in items if item.strip())
        for offset in offsets:
            if not OFFSET.match(offset):
                raise ValueError(f"{offset!r} is not like 14d, 1h or 30m")
        return offsets

    @property
    def email_enabled(self) -> bool:
        return bool(self.itwg_smtp_url and self.itwg_mail_from)

    def link_key(self) -> bytes:
        """The key that signs links in e-mails."""
        key = self.secret("itwg_link_secret") or self.secret("slack_signing_secret") or ""
        return key.encode()

    def secret(self, name: str) -> str | None:
        value = getattr(self, name)
        return value.get_secret_value() if value is not None else None


def load_settings(**overrides: object) -> Settings:
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        first = error.errors()[0]
        variable = str(first["loc"][0]).upper() if first["loc"] else "configuration"
        message = first["msg"].removeprefix("Value error, ")
        raise SettingsError(f"{variable}: {message}") from None


def require(settings: Settings, *names: str) -> None:
    """Fail with the first missing variable among ``names`` (field names, lower case)."""
    for name in names:
        value = getattr(settings, name)
        if value is None or (isinstance(value, SecretStr) and not value.get_secret_value()):
            raise SettingsError(f"{name.upper()}: required but not set")
