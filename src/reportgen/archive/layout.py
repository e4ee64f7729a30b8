"""Where each report lives inside an archive folder.

    DIR/collectors/<collector_id>/<basename>.md, .docx, <basename>_files/*.png
    DIR/teams/<team_id>/...
    DIR/all/...
    DIR/index.md, DIR/index.csv, DIR/manifest.json

Every scope has its own folder, and each language its own basename inside it,
so no two reports share or overwrite a file (charts included).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from reportgen.errors import ReportgenError
from reportgen.output import is_plain_path, safe_name
from reportgen.scope import Scope

INDEX_MD = "index.md"
INDEX_CSV = "index.csv"
MANIFEST = "manifest.json"

_KIND_FOLDERS = {"collector": "collectors", "team": "teams"}


def safe_component(identifier: str) -> str:
    """A folder name for an identifier: the same rules as every file name made from data
    (:func:`reportgen.output.safe_name`: no separators, never ``.``/``..``, bounded length)."""
    return safe_name(identifier)


def scope_folder(scope: Scope) -> str:
    """The folder (relative, POSIX) holding a scope's reports."""
    if scope.kind == "all":
        return "all"
    assert scope.id is not None
    return f"{_KIND_FOLDERS[scope.kind]}/{safe_component(scope.id)}"


def in_scope_folder(path: str) -> bool:
    """Whether ``path`` is a file directly inside a scope's folder (``all/x``,
    ``collectors/<id>/x``, ``teams/<id>/x``): where a report's documents are, its pictures
    being one folder further down."""
    parts = path.split("/")
    if parts[0] == "all":
        return len(parts) == 2
    return parts[0] in _KIND_FOLDERS.values() and len(parts) == 3


def check_distinct_folders(scopes: Iterable[Scope]) -> None:
    """Two identifiers that map to one folder (``A/1`` and ``A_1``; ``c1`` and ``C1`` on a
    case-insensitive disk) would overwrite each other's reports: refuse up front."""
    seen: dict[str, Scope] = {}
    for scope in scopes:
        key = scope_folder(scope).casefold()
        if key in seen:
            other = seen[key]
            raise ReportgenError(
                f"{scope.kind} {scope.id!r} and {other.kind} {other.id!r} would share the "
                f"archive folder {scope_folder(scope)!r}; make their ids differ by more "
                "than letter case or characters not allowed in file names"
            )
        seen[key] = scope


# What no path inside an archive holds: control characters (NUL included) and backslashes,
# which Windows reads as separators; `manifest_path_problem` refuses them.
_NOT_IN_ARCHIVE_PATH = re.compile(r"[\x00-\x1f\x7f\\]")
MAX_PATH_CHARS = 1024  # far above any path reportgen writes (a folder, an id, a file name)


def manifest_path_problem(path: str) -> str | None:
    """What is wrong with ``path`` as a manifest lists it (a noun phrase), or None when it is a
    relative path inside the archive.

    Refused: empty, absolute (``/x``, ``C:``), ``.`` or ``..`` or empty parts, backslashes,
    control characters (NUL included), lone surrogates, over-long paths, and the manifest itself
    (which cannot carry its own checksum)."""
    if not path:
        return "an empty path"
    if len(path) > MAX_PATH_CHARS:
        return f"a path over {MAX_PATH_CHARS} characters"
    if _NOT_IN_ARCHIVE_PATH.search(path):
        return "a path with a control character or a backslash"
    if any("\ud800" <= ch <= "\udfff" for ch in path):
        return "a path that is not valid Unicode"
    if not is_plain_path(path):
        return "a path outside the archive"
    if path == MANIFEST:
        return "the manifest itself as a file"
    return None


def report_path(folder: str, relative: str) -> str:
    """Join a renderer's relative file path under the scope's folder, refusing any path that
    would escape it or is oddly formed (absolute, a drive, empty, ``.`` or ``..`` parts)."""
    if not is_plain_path(relative):
        raise ReportgenError(f"renderer produced an unsafe file path {relative!r}")
    posix = relative.replace("\\", "/")
    return f"{folder}/{posix}"
