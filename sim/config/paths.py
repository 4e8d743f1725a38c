"""Where the shipped configs live, and how a relative data path in a config is found.

A relative path in a config (``demand.profile_file``, ``centre.posterior``) is looked
up first against the current working directory (what a path typed on the command line
means), then against the config folder ``configs/`` (what a path written inside a
shipped or calibrated centre file means: ``centre/example.profile.csv`` is
``configs/centre/example.profile.csv``), then against the repository root (the folder
holding ``configs/``).  So a centre works from any working directory.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import yaml

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


# --------------------------------------------------------------------------- centre files
#: Suffixes of a centre file named by its path (``centre=../centres/mine.yaml``).
CENTRE_SUFFIXES = (".yaml", ".yml")
#: Keys of a centre file that name data files (relative to the centre file's folder, or
#: as any config data path: :func:`resolve_data_path`).
CENTRE_DATA_KEYS = (("demand", "profile_file"), ("centre", "posterior"))


def is_centre_path(value: str) -> bool:
    """Whether ``centre=value`` names a file (a folder separator or a YAML suffix) rather
    than a centre of ``configs/centre/``.

    Parameters
    ----------
    value : str
        The value of ``centre=``.
    """
    return "/" in value or os.sep in value or value.endswith(CENTRE_SUFFIXES)


def centre_cache_dir() -> Path:
    """Folder of the Hydra search paths made for centre files outside ``configs/centre/``
    (one sub-folder per centre file's content: see :func:`centre_search_dir`)."""
    user = os.getuid() if hasattr(os, "getuid") else "user"
    return Path(tempfile.gettempdir()) / f"kpisim-centres-{user}"


def centre_search_dir(path: Path) -> tuple[Path, str]:
    """A Hydra search path holding the centre file ``path`` as the group option it returns.

    Hydra finds the option ``centre=X`` only as ``centre/X.yaml`` of a search path, so a
    centre file elsewhere (``kpisim calibrate out=DIR``) is copied, with its data paths
    made absolute against its own folder, to ``<cache>/<digest>/centre/<stem>-<digest>.yaml``
    (:func:`centre_cache_dir`; digest: SHA-256 of the copy's text, so a changed file is a
    new option and the same file the same option in every process).  The option's name
    never equals a shipped centre's, so the shipped one cannot shadow it.  Selecting the
    option keeps Hydra's order: the centre before the scenario, overrides last.

    Parameters
    ----------
    path : pathlib.Path
        An existing centre file (``# @package _global_`` keys; the header is added when
        missing).

    Returns
    -------
    tuple of (pathlib.Path, str)
        The search path to add (``hydra.searchpath=[file://...]``) and the option's name.

    Raises
    ------
    ValueError
        The file is not a YAML mapping (the message says why).
    """
    path = Path(path).expanduser().resolve()
    try:
        tree = yaml.safe_load(path.read_text())
    except (OSError, yaml.YAMLError) as exc:
        raise ValueError(f"cannot be read ({str(exc).splitlines()[0]})") from None
    if not isinstance(tree, dict):
        raise ValueError("is not a mapping of config keys")
    centre = tree.setdefault("centre", {})
    if isinstance(centre, dict):
        centre.setdefault("name", path.stem)
    for section, key in CENTRE_DATA_KEYS:
        node = tree.get(section)
        value = node.get(key) if isinstance(node, dict) else None
        if isinstance(value, str) and value and not Path(value).expanduser().is_absolute():
            beside = path.parent / value
            if beside.exists():  # a data path relative to the centre file's folder
                node[key] = str(beside)
    text = "# @package _global_\n" + yaml.safe_dump(tree, sort_keys=False)
    digest = hashlib.sha256(text.encode()).hexdigest()[:12]
    root = centre_cache_dir() / digest
    option = f"{path.stem}-{digest}"
    target = root / "centre" / f"{option}.yaml"
    if not target.is_file() or target.read_text() != text:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        tmp.write_text(text)
        os.replace(tmp, target)  # atomic: another process may read it at the same time
    return root, option
