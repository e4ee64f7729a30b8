"""``reportgen verify``: check an archive folder against its manifest.json."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from reportgen.archive.layout import MANIFEST
from reportgen.archive.manifest import sha256_file
from reportgen.errors import ReportgenError


@dataclass(frozen=True)
class ChangedFile:
    path: str
    expected_size: int
    actual_size: int
    expected_sha256: str
    actual_sha256: str


@dataclass(frozen=True)
class VerifyOutcome:
    folder: Path
    checked: int  # files listed in the manifest
    missing: tuple[str, ...] = ()
    extra: tuple[str, ...] = ()
    changed: tuple[ChangedFile, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return not (self.missing or self.extra or self.changed)

    def describe(self) -> str:
        if self.ok:
            return f"{self.folder}: all {self.checked} file(s) match manifest.json"
        lines = [
            f"{self.folder}: does NOT match manifest.json "
            f"({len(self.missing)} missing, {len(self.extra)} extra, "
            f"{len(self.changed)} changed, of {self.checked} listed)"
        ]
        lines += [f"missing  {path}" for path in self.missing]
        lines += [f"extra    {path}" for path in self.extra]
        for change in self.changed:
            if change.expected_size != change.actual_size:
                detail = f"size {change.actual_size}, expected {change.expected_size}"
            else:
                detail = f"sha256 {change.actual_sha256}, expected {change.expected_sha256}"
            lines.append(f"changed  {change.path} ({detail})")
        return "\n".join(lines)


def _read_manifest(folder: Path) -> list[dict]:
    path = folder / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ReportgenError(
            f"{path}: no manifest.json; this is not a reportgen archive, or its manifest was lost"
        ) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ReportgenError(f"{path}: cannot read the manifest ({exc})") from None
    files = manifest.get("files") if isinstance(manifest, dict) else None
    if not isinstance(files, list) or not all(
        isinstance(entry, dict)
        and isinstance(entry.get("path"), str)
        and isinstance(entry.get("size"), int)
        and isinstance(entry.get("sha256"), str)
        for entry in files
    ):
        raise ReportgenError(
            f"{path}: not a reportgen manifest (expected a 'files' list of path, size, sha256)"
        )
    for entry in files:
        parts = entry["path"].split("/")
        if any(part in ("", ".", "..") for part in parts) or ":" in parts[0]:
            # a tampered manifest must not make verify read files outside the archive
            raise ReportgenError(f"{path}: lists a path outside the archive: {entry['path']!r}")
    return files


def _files_on_disk(folder: Path) -> set[str]:
    return {
        path.relative_to(folder).as_posix()
        for path in folder.rglob("*")
        if path.is_file() or path.is_symlink()
    } - {MANIFEST}


def verify_archive(folder: Path) -> VerifyOutcome:
    """Recompute every file's sha256 and compare with the manifest; list every difference."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ReportgenError(f"{folder}: not a folder")
    listed = {entry["path"]: entry for entry in _read_manifest(folder)}
    present = _files_on_disk(folder)
    missing, changed = [], []
    for relative, entry in sorted(listed.items()):
        path = folder / relative
        if relative not in present:
            missing.append(relative)
            continue
        try:
            size = path.stat().st_size
            digest = sha256_file(path)
        except OSError:  # unreadable counts as missing: its content cannot be vouched for
            missing.append(relative)
            continue
        if size != entry["size"] or digest != entry["sha256"]:
            changed.append(ChangedFile(relative, entry["size"], size, entry["sha256"], digest))
    extra = sorted(present - listed.keys())
    return VerifyOutcome(folder, len(listed), tuple(missing), tuple(extra), tuple(changed))
