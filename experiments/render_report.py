"""Render a ``kpisim compare`` report in headless Chromium to a PNG, as a person sees it.

usage: python experiments/render_report.py REPORT_HTML OUT_PNG [WIDTH] [HEIGHT]

Uses Debian's ``chromium`` (``apt-get install chromium``; see scripts/ensure-browser).
The page is self-contained, so the browser runs with networking features off.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from sim.browser import HEADLESS_FLAGS, find_chromium


def render(html: Path, png: Path, width: int = 1280, height: int = 4000) -> Path:
    """Screenshot ``html`` into ``png`` (``width`` x ``height`` CSS pixels)."""
    exe = find_chromium()
    if exe is None:
        raise RuntimeError("chromium not found: apt-get install chromium")
    png.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as profile:
        cmd = [
            exe,
            *HEADLESS_FLAGS,
            f"--user-data-dir={profile}",
            f"--screenshot={png.resolve()}",
            f"--window-size={width},{height}",
            html.resolve().as_uri(),
        ]
        subprocess.run(cmd, check=True, capture_output=True, timeout=180)
    if not png.is_file() or png.stat().st_size == 0:
        raise RuntimeError(f"chromium wrote no screenshot to {png}")
    return png


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[0] in ("-h", "--help"):
        print(__doc__)
        return 0 if argv and argv[0] in ("-h", "--help") else 2
    width = int(argv[2]) if len(argv) > 2 else 1280
    height = int(argv[3]) if len(argv) > 3 else 4000
    out = render(Path(argv[0]), Path(argv[1]), width, height)
    print(out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
