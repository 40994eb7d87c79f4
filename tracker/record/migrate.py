"""Alembic, driven from code: the only way tracker creates or changes a schema."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from tracker.record.lock import write_connection


def migrations_path() -> Path:
    """The migration scripts: inside the installed package, or at the top of a checkout."""
    package = Path(__file__).resolve().parent.parent
    for candidate in (package / "migrations", package.parent / "migrations"):
        if (candidate / "env.py").is_file():
            return candidate
    raise FileNotFoundError("tracker's migrations folder is missing from this installation")


def config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_path()))
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    # Under the write lock: a second process waits, then finds nothing to do.
    with write_connection(engine, rebuilding=True) as connection:
        cfg = config()
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)


def downgrade(engine: Engine, revision: str) -> None:
    with write_connection(engine, rebuilding=True) as connection:
        cfg = config()
        cfg.attributes["connection"] = connection
        command.downgrade(cfg, revision)


def head() -> str:
    heads = ScriptDirectory.from_config(config()).get_heads()
    if len(heads) != 1:
        raise RuntimeError(f"expected one migration head, found {heads}")
    return heads[0]
