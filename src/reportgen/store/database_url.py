"""A database given as SOURCE: ``postgresql://user@host:5432/db`` or ``sqlite:///centre.db``.

A password never travels on the command line (where ``ps`` and the shell's
history keep it): a URL that carries one is refused, and the message says
where the password goes instead (``PGPASSWORD`` or the password file
``~/.pgpass``, both read by libpq itself). Every message names the database
by :attr:`DatabaseUrl.shown`, which holds no password.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from reportgen.errors import ReportgenError

POSTGRES_SCHEMES = ("postgresql", "postgres")
SQLITE_SCHEME = "sqlite"
_URL = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://")


@dataclass(frozen=True)
class DatabaseUrl:
    """A database source: which kind, how to reach it, and how messages name it."""

    kind: str  # "postgresql" or "sqlite"
    url: str  # as given (no password in it)
    shown: str  # for messages, the manifest and reports: the URL without a query string
    path: Path | None = None  # the SQLite file

    def __str__(self) -> str:
        return self.shown


def looks_like_url(text: str) -> bool:
    """Whether a SOURCE argument is a URL (``scheme://``) rather than a path."""
    return _URL.match(text) is not None


def parse_database_url(text: str) -> DatabaseUrl:
    """The database a URL names; one clear error for anything else, never echoing a password."""
    scheme = _URL.match(text)
    if scheme is None:
        raise ReportgenError(f"{text!r} is not a database URL")
    name = scheme.group("scheme").lower()
    if name in POSTGRES_SCHEMES or name.startswith("postgresql+"):
        return _postgres(text)
    if name == SQLITE_SCHEME:
        return _sqlite(text)
    raise ReportgenError(
        f"{name}://...: not a source reportgen reads; expected a folder, a workbook, a .duckdb "
        "file, postgresql://user@host:5432/database or sqlite:///path/to/file.db"
    )


def _postgres(text: str) -> DatabaseUrl:
    parts = urlsplit(text)
    netloc = parts.netloc
    if "@" in netloc:
        user_part, host = netloc.rsplit("@", 1)
        if ":" in user_part:
            user = user_part.split(":", 1)[0]
            raise ReportgenError(
                f"postgresql://{user}@{host}{parts.path}: the URL carries a password; give it "
                "in the PGPASSWORD environment variable or the password file ~/.pgpass "
                "instead, never on the command line"
            )
    shown = f"postgresql://{netloc}{parts.path}"
    if "password" in unquote(parts.query).lower() or _conninfo_has_password(text, shown):
        raise ReportgenError(
            f"{shown}: the URL carries a password (password=...); "
            "give it in PGPASSWORD or ~/.pgpass instead, never on the command line"
        )
    if not parts.path.strip("/"):
        raise ReportgenError(
            f"postgresql://{netloc}: no database named; expected postgresql://user@host:5432/dbname"
        )
    url = "postgresql://" + text.split("://", 1)[1]  # psycopg knows one spelling
    return DatabaseUrl("postgresql", url, f"postgresql://{netloc}{parts.path}")


def _conninfo_has_password(text: str, shown: str) -> bool:
    """Whether libpq would read a password out of the URL (however it is spelled or
    encoded). A URL libpq cannot parse is refused without repeating it: the part it
    chokes on may be the password."""
    try:
        from psycopg.conninfo import conninfo_to_dict
    except ImportError:  # no driver: the command says so when it connects
        return False
    try:
        parsed = conninfo_to_dict("postgresql://" + text.split("://", 1)[1])
    except Exception:  # psycopg's ProgrammingError; its text quotes the URL
        raise ReportgenError(
            f"{shown}: not a URL PostgreSQL can read; expected postgresql://user@host:5432/dbname"
        ) from None
    return "password" in parsed


def _sqlite(text: str) -> DatabaseUrl:
    rest = text.split("://", 1)[1]
    # sqlite:///relative.db (three slashes: a path relative to here) and
    # sqlite:////abs/path.db (four: absolute), as SQLAlchemy writes them.
    if not rest.startswith("/"):
        raise ReportgenError(
            f"{text}: expected sqlite:///path/to/file.db (three slashes, then the file's path)"
        )
    path = Path(unquote(rest[1:].split("?", 1)[0]))
    if not path.is_file():
        raise ReportgenError(f"{text}: no such SQLite file ({path})")
    return DatabaseUrl("sqlite", text, f"sqlite:///{path}", path=path)
