"""Alembic environment: tracker's metadata, tracker's URL, batch mode on SQLite.

tracker (and the tests) pass an open connection in `config.attributes`;
the `alembic` command line falls back to --db's rules (TRACKER_DATABASE_URL
or the default SQLite file).
"""

from alembic import context
from sqlalchemy import Connection

from tracker.record import db
from tracker.record.models import Base, is_search_object

config = context.config
target_metadata = Base.metadata


def include_name(name: str | None, type_: str, _parents: object) -> bool:
    # Full-text search objects are not in the models (migration 0003).
    return not is_search_object(name)


def run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_name=include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        run(connection)
        return
    engine = db.create(config.get_main_option("sqlalchemy.url") or db.resolve_url())
    with engine.begin() as connection:
        run(connection)


if context.is_offline_mode():
    context.configure(
        url=config.get_main_option("sqlalchemy.url") or db.resolve_url(),
        target_metadata=target_metadata,
        literal_binds=True,
    )
    with context.begin_transaction():
        context.run_migrations()
else:
    run_online()
