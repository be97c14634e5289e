"""The membership data file: the working group's organisations, editable by operators."""

import tomllib
from importlib import resources
from pathlib import Path

from sqlalchemy import Engine

from bot import contacts
from bot.settings import SettingsError
from storage.db import session_scope
from storage.repositories import audit, organisations

VALID_ROLES = {"co_lead", "member", "observer"}


def default_path() -> Path:
    return Path(str(resources.files("bot") / "data" / "membership.toml"))


def read(path: Path) -> list[dict]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise SettingsError(f"ITWG_MEMBERSHIP_FILE: cannot read {path}: {error}") from None
    entries = data.get("organisation", [])
    for entry in entries:
        missing = {"acronym", "name", "role"} - entry.keys()
        if missing:
            raise SettingsError(f"ITWG_MEMBERSHIP_FILE: an organisation lacks {sorted(missing)}")
        if entry["role"] not in VALID_ROLES:
            raise SettingsError(
                f"ITWG_MEMBERSHIP_FILE: {entry['acronym']} has role {entry['role']!r}; "
                f"use one of {sorted(VALID_ROLES)}"
            )
    return entries


def load(engine: Engine, path: Path | None = None) -> tuple[int, int]:
    """Insert or refresh organisations from the file, then add the e-mail contacts it lists;
    running it twice changes nothing."""
    entries = read(path or default_path())
    with session_scope(engine) as session:
        created, updated = organisations.upsert_many(session, entries=entries)
        if created or updated:
            audit.record(
                session,
                by="itwg migrate",
                action="organisations.load",
                entity="organisation",
                entity_id=None,
                details={"created": created, "updated": updated},
            )
    contacts.load_listed(engine, path or default_path())
    return created, updated
