"""Headless Chromium as the project uses it: Debian's package, never a downloaded build.

One list of command-line flags for every place that drives the browser (the report's
rendering and the app's end-to-end test): headless, no sandbox (CI runs as root), and no
background traffic (this machine's network is closed).
"""

from __future__ import annotations

import os
import shutil

HEADLESS_FLAGS: tuple[str, ...] = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-quic",
    "--disable-sync",
    "--hide-scrollbars",
)


def find_chromium() -> str | None:
    """Path of a Chromium executable (``KPISIM_CHROMIUM`` first), or None."""
    env = os.environ.get("KPISIM_CHROMIUM")
    if env and os.path.exists(env):
        return env
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None
