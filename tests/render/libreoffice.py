"""LibreOffice as the tests use it: where it is, and one way to turn .docx into PDF.

fontconfig is pointed at the Noto Sans SC file the charts use as well as the
system's fonts, so Chinese text has a CJK face on a machine without one.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path

from reportgen.render.fonts import chart_font_path

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def _fontconfig(work: Path) -> Path:
    config = work / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>'
        f"<dir>{chart_font_path().parent}</dir></fontconfig>",
        encoding="utf-8",
    )
    return config


def convert_to_pdf(documents: Iterable[Path], out_dir: Path, work: Path) -> None:
    """Convert ``documents`` into ``out_dir`` (one ``<stem>.pdf`` each), with a fresh
    LibreOffice profile and the font setup above kept in ``work``."""
    assert SOFFICE is not None, "LibreOffice is not installed"
    env = dict(os.environ, FONTCONFIG_FILE=str(_fontconfig(work)))
    subprocess.run(
        [
            SOFFICE,
            "--headless",
            f"-env:UserInstallation=file://{work / 'profile'}",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out_dir),
            *map(str, documents),
        ],
        check=True,
        env=env,
        capture_output=True,
        timeout=300,
    )
