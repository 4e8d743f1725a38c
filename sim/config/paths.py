"""Where the shipped configs live, and how a relative data path in a config is found.

A relative path in a config (``demand.profile_file``, ``centre.posterior``) is looked
up first against the current working directory (what a path typed on the command line
means), then against the config folder ``configs/`` (what a path written inside a
shipped or calibrated centre file means: ``centre/example.profile.csv`` is
``configs/centre/example.profile.csv``), then against the repository root (the folder
holding ``configs/``).  So a centre works from any working directory.
"""

from __future__ import annotations

from pathlib import Path

#: Folder of the YAML configs shipped with the project (``configs/``).
CONFIG_DIR = Path(__file__).resolve().parents[2] / "configs"
if not CONFIG_DIR.is_dir():  # installed as a wheel: configs are package data
    CONFIG_DIR = Path(__file__).resolve().parents[1] / "configs"


def search_dirs() -> list[Path]:
    """Folders a relative data path is looked up in, in order (see the module doc)."""
    return [Path.cwd(), CONFIG_DIR, CONFIG_DIR.parent]


def resolve_data_path(path: str) -> Path:
    """The absolute path a config's data path names: absolute (``~`` expanded) as is;
    relative: the first of :func:`search_dirs` where it exists, else against the
    working directory (so a message names the path the user would expect).

    Parameters
    ----------
    path : str
        The path as written in the config.
    """
    p = Path(path).expanduser()
    if p.is_absolute():
        return p
    for base in search_dirs():
        if (base / p).exists():
            return (base / p).absolute()
    return p.absolute()
