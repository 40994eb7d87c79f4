"""actor names normalised with anyascii instead of Unidecode

Revision ID: 0005
Revises: 0004

Unidecode is GPL-2.0-or-later; tracker is Apache-2.0, and now transliterates
with anyascii (ISC). The two agree on Latin, Cyrillic and Greek but not
everywhere (Korean: Unidecode "gimjeongeun", tracker now "gim jeong eun"), so
every stored normalised name is computed again from the alias as written.
The normalisation is copied here, frozen as it was at this revision: a later
change to tracker's must not change what this migration did.

Two actors whose names would now meet stop the migration with the names in
question, nothing changed. Downgrading keeps the names as normalised here:
Unidecode may no longer be installed to compute the old forms, and these are
as valid (names in syllabic scripts then resolve by their fuzzy match).
"""

import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from anyascii import anyascii

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SYLLABIC = re.compile(
    "([\u1100-\u11ff\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003ffff])"
)
_DROPPED = re.compile("[.'\u2019`]")
_SEPARATORS = re.compile(r"[^0-9a-z]+")
_WIDTH = 200


def normalize(name: str) -> str:
    ascii_name = name if name.isascii() else anyascii(_SYLLABIC.sub(r" \1 ", name))
    return _SEPARATORS.sub(" ", _DROPPED.sub("", ascii_name.casefold())).strip()


def upgrade() -> None:
    bind = op.get_bind()
    aliases = sa.table(
        "aliases",
        sa.column("id", sa.Integer),
        sa.column("actor_id", sa.Integer),
        sa.column("alias", sa.String),
        sa.column("normalized", sa.String),
    )
    names = sa.table(
        "actor_names", sa.column("normalized", sa.String), sa.column("actor_id", sa.Integer)
    )
    rows = bind.execute(
        sa.select(aliases.c.id, aliases.c.actor_id, aliases.c.alias, aliases.c.normalized)
    ).all()
    owner: dict[str, int] = {}
    new = []
    for alias_id, actor_id, alias, _ in rows:
        norm = normalize(alias)
        if not norm or len(norm) > _WIDTH:
            raise RuntimeError(f"alias {alias[:60]!r} is {len(norm)} characters normalised")
        if owner.setdefault(norm, actor_id) != actor_id:
            raise RuntimeError(
                f"alias {alias[:60]!r} would name actors {owner[norm]} and {actor_id}"
                " alike: give one of them another alias, then upgrade"
            )
        new.append({"id": alias_id, "actor_id": actor_id, "alias": alias, "normalized": norm})
    if all(r["normalized"] == old for r, (_, _, _, old) in zip(new, rows, strict=True)):
        return
    # actor_names is derived from the aliases: rebuilt whole, and the aliases
    # written again with their ids.
    op.execute(aliases.delete())
    op.execute(names.delete())
    names_rows = [{"normalized": n, "actor_id": a} for n, a in sorted(owner.items())]
    op.bulk_insert(names, names_rows)
    op.bulk_insert(aliases, new)


def downgrade() -> None:
    pass  # the names stay as normalised at 0005 (see the docstring)
