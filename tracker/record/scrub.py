"""Passwords out of what is shown or stored: a driver's message, a command line."""

from __future__ import annotations

import re
from urllib.parse import quote, quote_plus

from sqlalchemy.engine import make_url


def scrub(message: str, url: str | None) -> str:
    """`message` without the password of `url` (as written, or percent-encoded)."""
    if not url:
        return message
    try:
        password = make_url(url).password
    except Exception:
        password = None
    if password:
        for form in {str(password), quote(str(password), safe=""), quote_plus(str(password))}:
            message = message.replace(form, "***")
    return message


# scheme://user:PASSWORD@host — the user part holds neither ":" nor "@".
_PASSWORD = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*://[^/@\s:]*:)([^@\s/]*)(@)")


def scrub_urls(text: str) -> str:
    """`text` with the password of every URL in it replaced by ***."""
    return _PASSWORD.sub(r"\1***\3", text)
