"""Run Alembic programmatically so ``itwg migrate`` needs no alembic.ini in the working directory."""

from pathlib import Path

from alembic import command
from alembic.config import Config

from storage.db import normalise_database_url

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", normalise_database_url(database_url).replace("%", "%%"))
    return config


def upgrade_to_head(database_url: str) -> None:
    """Bring the schema to the newest revision; a second run finds nothing to do."""
    command.upgrade(alembic_config(database_url), "head")
