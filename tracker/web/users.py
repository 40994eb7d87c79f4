"""The people who sign in to `tracker serve`: names, roles, password hashes.

Passwords are hashed with argon2id (argon2-cffi's defaults, RFC 9106's
second recommended parameter set); only the hash is stored. A name that is
not recorded is checked against a dummy hash, so that a wrong name costs as
long as a wrong password and signing in cannot tell which names exist.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from tracker.errors import NotFound, TrackerError
from tracker.record import lock
from tracker.record.models import User
from tracker.vocabulary import USER_ROLES

MIN_PASSWORD = 8  # NIST SP 800-63B's floor for a password a person chose
MAX_PASSWORD = 1024  # hashing costs the same whatever the length; bound the input
MAX_NAME = 100


@dataclass(frozen=True)
class Person:
    """A signed-in user as the server holds them: never the hash itself."""

    name: str
    role: str
    stamp: str  # changes with the password: a session holding an old one ends

    @property
    def is_editor(self) -> bool:
        return self.role == "editor"


@lru_cache(maxsize=1)
def _hasher() -> PasswordHasher:
    return PasswordHasher()


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _hasher().hash("not a password anyone has")


def _stamp(password_hash: str) -> str:
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


def person(user: User) -> Person:
    return Person(user.name, user.role, _stamp(user.password_hash))


def check_name(name: str) -> str:
    if not name or len(name) > MAX_NAME or not name.isprintable() or name != name.strip():
        raise TrackerError(
            f"a user name is 1 to {MAX_NAME} printable characters, with no space at either"
            f" end: {name[:MAX_NAME]!r}"
        )
    return name


def check_password(password: str) -> str:
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise TrackerError(
            f"a password is {MIN_PASSWORD} to {MAX_PASSWORD} characters"
            f" (this one has {len(password)})"
        )
    return password


def _role(role: str) -> str:
    if role not in USER_ROLES:
        raise TrackerError(f"a role is one of {', '.join(USER_ROLES)}, not {role!r}")
    return role


def _find(session: Session, name: str) -> User:
    found = session.scalars(select(User).where(User.name == name)).first()
    if found is None:
        raise NotFound(f"no user named {name!r} (see `tracker user list`)")
    return found


def add_user(engine: Engine, name: str, role: str, password: str) -> Person:
    check_name(name)
    _role(role)
    hashed = _hasher().hash(check_password(password))
    with lock.transaction(engine) as session:
        if session.scalars(select(User).where(User.name == name)).first() is not None:
            raise TrackerError(f"a user named {name!r} exists; `tracker user passwd` changes it")
        user = User(name=name, role=role, password_hash=hashed)
        session.add(user)
        session.flush()
        return person(user)


def remove_user(engine: Engine, name: str) -> None:
    with lock.transaction(engine) as session:
        session.delete(_find(session, name))


def set_password(engine: Engine, name: str, password: str) -> None:
    """A new password; every session signed in with the old one ends."""
    hashed = _hasher().hash(check_password(password))
    with lock.transaction(engine) as session:
        _find(session, name).password_hash = hashed


def users(session: Session) -> list[Person]:
    return [person(u) for u in session.scalars(select(User).order_by(User.name))]


def any_user(session: Session) -> bool:
    return bool(session.scalar(select(func.count()).select_from(User)))


def signed_in(session: Session, name: str, stamp: str) -> Person | None:
    """The user a session cookie names, if they still exist with the same
    password; None otherwise (removed, or the password changed since)."""
    found = session.scalars(select(User).where(User.name == name)).first()
    if found is None or person(found).stamp != stamp:
        return None
    return person(found)


def authenticate(session: Session, name: str, password: str) -> Person | None:
    """The user, if `password` is theirs; None for any other name or password,
    in about the same time."""
    found = (
        session.scalars(select(User).where(User.name == name)).first()
        if 0 < len(name) <= MAX_NAME and "\x00" not in name
        else None
    )
    try:
        _hasher().verify(found.password_hash if found else _dummy_hash(), password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    return person(found) if found is not None else None
