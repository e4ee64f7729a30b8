"""manifest.json: what an archive holds and what it was made from.

Deterministic by construction: no wall-clock time, no absolute path (paths
that differ between machines or working folders are reduced to file names),
keys in a fixed order, files sorted by path. The same inputs give a
byte-identical manifest.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Iterable, Mapping
from datetime import date, time
from pathlib import Path, PurePath
from typing import Any

from reportgen.archive.workers import FileRecord
from reportgen.config import Config

MANIFEST_FORMAT = "reportgen-archive/1"
_BLOCK = 1 << 20


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(_BLOCK):
            digest.update(block)
    return digest.hexdigest()


def fingerprint(path: Path) -> dict[str, Any]:
    """Name, size and sha256 of a file (the name only: the folder differs between machines)."""
    path = Path(path)
    return {"name": path.name, "size": path.stat().st_size, "sha256": sha256_file(path)}


def input_fingerprints(sources: Mapping[str, Path]) -> list[dict[str, Any]]:
    """One entry per input file, with the tables read from it (a workbook holds several)."""
    tables_by_file: dict[Path, list[str]] = {}
    for table, path in sources.items():
        tables_by_file.setdefault(Path(path), []).append(table)
    entries = []
    for path, tables in tables_by_file.items():
        entries.append({**fingerprint(path), "tables": sorted(tables)})
    return sorted(entries, key=lambda entry: (entry["name"], entry["tables"]))


def database_inputs(store: Any) -> list[dict[str, Any]]:
    """A database read in place: its address (never a password), tables and rows.

    A server's tables have no file to checksum; the row counts say what was read.
    """
    if getattr(store, "origin", None) is None:  # a file source, or a Dataset built in code
        return []
    return [
        {
            "database": store.origin.shown,
            "tables": {name: store.relations.get(name, name) for name in store.columns},
            "rows": {name: store.row_counts[name] for name in store.columns},
        }
    ]


def jsonable(value: Any) -> Any:
    """Settings as JSON: dataclasses as objects, tuples as lists, times and dates as ISO text."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(item) for item in value]
    if isinstance(value, time | date):
        return value.isoformat()
    if isinstance(value, PurePath):
        return value.name
    return value


def configuration_entry(config: Config) -> dict[str, Any]:
    settings = jsonable(config)
    settings.pop("source", None)  # recorded below by name and checksum
    source = config.source
    return {
        "file": fingerprint(source) if source is not None else None,
        "settings": settings,
    }


def template_files(
    builtin_dir: Path, override_dir: Path | None, languages: Iterable[str]
) -> list[dict[str, Any]]:
    """Every template file the search path of each language resolves (``<folder>/<language>/``):
    the override folder's copy where it has one, the built-in one otherwise."""
    resolved: dict[str, tuple[str, Path]] = {}
    for origin, folder in (("built-in", builtin_dir), ("override", override_dir)):
        if folder is None:
            continue
        for language in languages:
            searched = Path(folder) / language
            if not searched.is_dir():
                continue
            for path in sorted(searched.rglob("*")):
                if path.is_file() and not path.name.startswith("."):
                    resolved[path.relative_to(folder).as_posix()] = (origin, path)
    return [
        {"name": name, "origin": origin, "sha256": sha256_file(path)}
        for name, (origin, path) in sorted(resolved.items())
    ]


def build_manifest(
    *,
    version: str,
    period: Mapping[str, Any],
    languages: Iterable[str],
    formats: Iterable[str],
    inputs: list[dict[str, Any]],
    configuration: dict[str, Any],
    templates: list[dict[str, Any]],
    reference_docx: dict[str, Any] | None,
    notes: list[dict[str, Any]],
    reports: dict[str, Any],
    files: Iterable[FileRecord],
) -> dict[str, Any]:
    return {
        "format": MANIFEST_FORMAT,
        "reportgen_version": version,
        "period": dict(period),
        "languages": list(languages),
        "formats": list(formats),
        "inputs": inputs,
        "configuration": configuration,
        "templates": templates,
        "reference_docx": reference_docx,
        "notes": notes,
        "reports": reports,
        "files": [
            {"path": record.path, "size": record.size, "sha256": record.sha256}
            for record in sorted(files, key=lambda record: record.path)
        ],
    }


def manifest_bytes(manifest: dict[str, Any]) -> bytes:
    return (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
