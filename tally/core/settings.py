"""Configuration: one pydantic-settings object, ``TALLY_`` environment variables.

Precedence: command-line flag > environment > config file (``tally.toml`` in the workspace) >
default.  Never built at import time: call :func:`get_settings`.
"""

from __future__ import annotations

import getpass
import os
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict, TomlConfigSettingsSource

from tally.core.errors import ConfigError


class Settings(BaseSettings):
    """Every setting tally reads, each with its help string."""

    model_config = SettingsConfigDict(env_prefix="TALLY_", extra="ignore")

    home: Path = Field(default_factory=Path.cwd, description="Workspace directory holding the database and blobs.")
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL of the database; default SQLite file tally.db in the workspace. "
        "Use postgresql+psycopg://user:pass@host/db for multi-user deployments.",
    )
    actor: str | None = Field(default=None, description="Who acts, recorded in the audit log (default: the OS user).")
    environment: Literal["development", "production"] = Field(
        default="development", description="production refuses placeholder secrets."
    )
    secret_key: str = Field(default="change-me", description="Secret for signing (web sessions, later); placeholder refused in production.")
    max_file_mb: float = Field(default=150.0, description="Largest file ingest accepts, in megabytes.")
    batch_size: int = Field(default=5000, description="Rows per database batch when ingesting victim lists.")
    gazetteer_files: str = Field(default="", description="Extra gazetteer CSV files, separated by the OS path separator.")
    answers_refresh: bool = Field(
        default=True,
        description="A command that writes works out again, before it returns, the kept answers (tolls) that "
        "were slow to work out, so that the next ask reads them back.",
    )
    answers_refresh_over: float = Field(
        default=0.2, ge=0, description="Seconds: answers that took at least this long to work out are refreshed."
    )
    answers_refresh_max: int = Field(default=8, ge=0, description="At most this many answers are refreshed per write, the most recently asked first.")
    answers_prepare: list[Literal["toll", "governorate", "district", "day", "week", "source", "victims"]] = Field(
        default=["toll", "governorate", "victims", "week"],
        description="On a workspace that keeps its claim rows (answers_rows_over), a command that writes also works "
        "out, for each country its claims name, the toll of all killed over the whole period ('toll') and that toll "
        "grouped by each grouping listed, if not current: the questions a reader asks first (and each of their "
        "groups: a governorate, the civilians, a week) are read back the first time they are asked. [] turns it off.",
    )
    answers_rows_over: int = Field(
        default=20_000, ge=0, description="Claims: a command that writes keeps the claim rows in a file when the "
        "workspace holds at least this many, so that large scopes load without the database (tally.store.kept_rows); "
        "with them, each country with at least this many claims keeps its relays (tally.reconcile.rules.Relays), "
        "which a question that loads at least this many claims reads.",
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        home = Path(os.environ.get("TALLY_HOME") or Path.cwd())
        toml = TomlConfigSettingsSource(settings_cls, toml_file=home / "tally.toml")
        return (init_settings, env_settings, toml)

    @property
    def db_url(self) -> str:
        """The effective database URL."""
        return self.database_url or f"sqlite:///{(self.home / 'tally.db').resolve()}"

    @property
    def who(self) -> str:
        """The actor recorded in the audit log."""
        if self.actor:
            return self.actor
        try:
            return getpass.getuser()
        except Exception:  # no user database entry (containers)
            return f"uid:{os.getuid()}"

    def check(self) -> Settings:
        """Refuse settings that are unsafe for the chosen environment."""
        if self.environment == "production" and self.secret_key == "change-me":
            raise ConfigError("TALLY_SECRET_KEY is the placeholder 'change-me'; set a real secret in production")
        return self


def get_settings(**overrides: object) -> Settings:
    """Build the settings now (flags passed as *overrides* win over environment and file)."""
    clean = {k: v for k, v in overrides.items() if v is not None}
    return Settings(**clean).check()  # type: ignore[arg-type]
