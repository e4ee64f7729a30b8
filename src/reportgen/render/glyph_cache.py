"""What earlier runs learnt of the chart font, kept in a small file between runs.

For each character a chart has drawn: its glyph and advance, and each glyph's
outline as SVG path data, exactly as fontTools gave them. The file lives in
the user's cache folder (``$XDG_CACHE_HOME/reportgen``, else
``~/.cache/reportgen``), is named after the font file and the fontTools
installation it was read with (a new font or a new fontTools starts a new
file), and is only ever a copy: deleting it costs the next run a quarter of a
second, nothing else. A file that is not a regular file, is larger than a
whole font's cache, does not parse, or holds anything but glyph names,
integers a text font can have and path data of a glyph's size is ignored and
rewritten; a cache folder that cannot be written is simply not used.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

# Bump when what is stored, or how an outline is written (glyphs._integral), changes.
FORMAT = 1
# Larger than these, a cache was not written by reportgen: it is ignored. Every glyph of
# Noto Sans SC makes 22 MB; its most complex outline is 3,491 characters of path data.
MAX_BYTES = 32 * 1024 * 1024
MAX_OUTLINE = 16 * 1024
# Units per em a font may have (OpenType allows 16 to 16384); advances and vertical
# metrics beyond four em are not a text font's.
UNITS_PER_EM = range(16, 16385)

_GLYPH_NAME = re.compile(r"[A-Za-z0-9._-]{1,63}")
# SVG path data as fontTools' SVGPathPen writes it: commands, numbers, spaces.
_PATH_DATA = re.compile(r"[MLHVCSQTZmlhvcsqtz0-9 .\-]*")

Metrics = tuple[int, int, int]  # units per em, ascender, descender


def cache_folder() -> Path | None:
    """``$XDG_CACHE_HOME/reportgen``, else ``~/.cache/reportgen``; None without a home."""
    base = os.environ.get("XDG_CACHE_HOME")
    if not base:
        try:
            base = str(Path.home() / ".cache")
        except (RuntimeError, KeyError):  # no HOME and no password entry
            return None
    return Path(base) / "reportgen"


def _identity(font_path: Path) -> str:
    """What the cached figures depend on: the font file and the fontTools that read it."""
    from importlib.util import find_spec

    parts = [f"format {FORMAT}"]
    spec = find_spec("fontTools")
    origin = spec.origin if spec is not None and spec.origin else ""
    for path in (font_path, Path(origin)):
        info = path.stat()
        parts.append(f"{path.resolve()} {info.st_size} {info.st_mtime_ns}")
    return "\n".join(parts)


@dataclass
class GlyphCache:
    """Characters → glyphs, glyphs → advances and outlines; ``file`` None keeps it in memory."""

    file: Path | None
    identity: str
    metrics: Metrics | None = None
    characters: dict[str, str] = field(default_factory=dict)
    advances: dict[str, int] = field(default_factory=dict)
    outlines: dict[str, str] = field(default_factory=dict)
    changed: bool = False

    @classmethod
    def empty(cls) -> GlyphCache:
        return cls(None, "")

    @classmethod
    def for_font(cls, font_path: Path) -> GlyphCache:
        """The cache of ``font_path``, with what its file holds (if it can be trusted)."""
        folder = cache_folder()
        try:
            identity = _identity(font_path)
        except OSError:
            return cls.empty()
        if folder is None:
            return cls.empty()
        digest = hashlib.sha256(identity.encode("utf-8", "surrogateescape")).hexdigest()[:16]
        cache = cls(folder / f"glyphs-{digest}.json", identity)
        cache._load()
        return cache

    def glyph_of(self, character: str) -> str | None:
        return self.characters.get(character)

    def advance_of(self, glyph: str) -> int | None:
        return self.advances.get(glyph)

    def outline_of(self, glyph: str) -> str | None:
        return self.outlines.get(glyph)

    def set_metrics(self, metrics: Metrics) -> None:
        self.metrics, self.changed = metrics, True

    def add_character(self, character: str, glyph: str, advance: int) -> None:
        self.characters[character] = glyph
        self.advances[glyph] = advance
        self.changed = True

    def add_advance(self, glyph: str, advance: int) -> None:
        self.advances[glyph], self.changed = advance, True

    def add_outline(self, glyph: str, outline: str) -> None:
        self.outlines[glyph], self.changed = outline, True

    def _load(self) -> None:
        assert self.file is not None
        try:
            raw = _read_regular_file(self.file)
            if raw is None:
                return
            stored = json.loads(raw)
        except (OSError, ValueError, RecursionError):
            return
        found = _checked(stored, self.identity)
        if found is not None:
            self.metrics, self.characters, self.advances, self.outlines = found

    def save(self) -> None:
        """Write the cache if it learnt anything; a folder that refuses is left alone."""
        if self.file is None or not self.changed or self.metrics is None:
            return
        stored = {
            "identity": self.identity,
            "metrics": list(self.metrics),
            "characters": self.characters,
            "advances": self.advances,
            "outlines": self.outlines,
        }
        with contextlib.suppress(OSError, UnicodeEncodeError):
            payload = json.dumps(stored, ensure_ascii=False, sort_keys=True).encode("utf-8")
            self.file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd, temporary = tempfile.mkstemp(prefix=".glyphs-", dir=self.file.parent)
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(payload)
                os.replace(temporary, self.file)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
                raise
            self.changed = False


def _read_regular_file(path: Path) -> bytes | None:
    """The file's bytes when it is a regular file (not a link, a pipe or a device, which
    could hang or redirect the read) of at most MAX_BYTES; None otherwise."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags)
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        raw = handle.read(MAX_BYTES + 1)
    return raw if len(raw) <= MAX_BYTES else None


def _checked(
    stored: object, identity: str
) -> tuple[Metrics, dict[str, str], dict[str, int], dict[str, str]] | None:
    """The cache's contents when every entry has the shape reportgen writes, else None."""
    if not isinstance(stored, dict) or stored.get("identity") != identity:
        return None
    metrics, characters = stored.get("metrics"), stored.get("characters")
    advances, outlines = stored.get("advances"), stored.get("outlines")
    if not (
        isinstance(metrics, list)
        and len(metrics) == 3
        and all(_integer(value) for value in metrics)
        and metrics[0] in UNITS_PER_EM
        and all(abs(value) <= 4 * metrics[0] for value in metrics[1:])
        and isinstance(characters, dict)
        and isinstance(advances, dict)
        and isinstance(outlines, dict)
    ):
        return None
    em = metrics[0]
    shapes_ok = (
        all(len(c) == 1 and _glyph(g) for c, g in characters.items())
        and all(_glyph(g) and _integer(a) and 0 <= a <= 4 * em for g, a in advances.items())
        and all(_glyph(g) and _path_data(o) for g, o in outlines.items())
        and all(g in advances for g in characters.values())
    )
    if not shapes_ok:
        return None
    return (metrics[0], metrics[1], metrics[2]), characters, advances, outlines


def _glyph(name: object) -> bool:
    return isinstance(name, str) and _GLYPH_NAME.fullmatch(name) is not None


def _path_data(value: object) -> bool:
    return (
        isinstance(value, str)
        and len(value) <= MAX_OUTLINE
        and _PATH_DATA.fullmatch(value) is not None
    )


def _integer(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
