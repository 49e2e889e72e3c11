"""Bring a database to the newest schema with Alembic: `python -m core.migrate`."""
from __future__ import annotations

import sys

from alembic import command
from alembic.config import Config

from core.settings import ROOT, Settings


def alembic_config(url: str) -> Config:
    """An Alembic config for `url` using the project's migrations folder."""
    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str) -> None:
    """Apply every migration to the database at `url`."""
    command.upgrade(alembic_config(url), "head")


if __name__ == "__main__":
    target = sys.argv[1] if len(sys.argv) > 1 else Settings.from_env().database_url
    upgrade(target)
    print("database migrated")
