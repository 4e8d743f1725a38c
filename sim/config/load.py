"""Loading a configuration: composing Hydra configs, turning them into a validated
:class:`Config`, and the helpers around it (YAML, dict, hash, shipped names)."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path
from typing import Any

from hydra import compose as hydra_compose
from hydra import initialize_config_dir
from hydra.core.global_hydra import GlobalHydra
from omegaconf import DictConfig, OmegaConf

from .paths import CONFIG_DIR, centre_search_dir, is_centre_path
from .schema import Config, ConfigError
from .validate import check_bool, problems, scheme_warnings, unknown_key_message, validate

__all__ = ["CONFIG_DIR"]
#: Hydra's ``version_base`` for composing the configs (here and in ``kpisim run``).
HYDRA_VERSION_BASE = "1.3"


def compose(overrides: list[str]) -> DictConfig:
    """Compose ``configs/config.yaml`` with Hydra ``overrides`` (``"seed=7"``, ...).

    The one place that composes the shipped configs outside a Hydra app; it clears a
    Hydra instance already initialised in this process.  The result is not validated
    (:func:`to_config` does that); Hydra's own exceptions propagate.

    Parameters
    ----------
    overrides : list of str
        Hydra override strings, applied in order.
    """
    if GlobalHydra.instance().is_initialized():
        GlobalHydra.instance().clear()
    with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base=HYDRA_VERSION_BASE):
        return hydra_compose(config_name="config", overrides=list(overrides))


def to_config(cfg: DictConfig | Config) -> Config:
    """Turn a composed DictConfig into a validated :class:`Config` object.

    Parameters
    ----------
    cfg : DictConfig or Config
        A composed config (:func:`compose`, Hydra's task config, or a plain
        OmegaConf node of the schema's keys), or a :class:`Config` to validate again.

    Raises
    ------
    ConfigError
        One line naming the key: an unknown key (with the nearest known keys), a wrong
        type or a value not allowed; one line per problem when there are several
        (unknown keys and values not allowed, all of them).
    """
    if isinstance(cfg, Config):
        return validate(cfg)
    try:
        obj = OmegaConf.to_object(cfg)
        if not isinstance(obj, Config):  # not composed against the schema: merge it in
            obj = OmegaConf.to_object(OmegaConf.merge(OmegaConf.structured(Config), cfg))
    except Exception as exc:  # omegaconf raises several types; all are user errors here
        raise ConfigError(clean_hydra_message(exc)) from None
    extra = [unknown_key_message(k) for k in _extra_keys(cfg, obj)]
    # keys added with `+key=value` are kept by Hydra but dropped by to_object: listed
    # with every other problem of the config
    found = extra + problems(obj)
    if found:
        raise ConfigError.collected(found, scheme_warnings(obj))
    return obj


def _extra_keys(node: Any, obj: Any, prefix: str = "") -> list[str]:
    """Dotted keys of a composed config that the dataclass schema does not have."""
    if not isinstance(node, DictConfig) or not dataclasses.is_dataclass(obj):
        return []
    names = {f.name for f in dataclasses.fields(obj)}
    out: list[str] = []
    for k in node:
        key = f"{prefix}{k}"
        if k not in names:
            out.append(key)
        else:
            out.extend(_extra_keys(node[k], getattr(obj, str(k)), key + "."))
    return out


def load_config(scenario: str = "baseline", overrides: list[str] | None = None) -> Config:
    """Compose a scenario plus Hydra overrides exactly as ``kpisim run`` does.

    Returns a validated :class:`Config`; raises :class:`ConfigError` on bad input.

    Parameters
    ----------
    scenario : str
        A scenario's name (a file of ``configs/scenario/``).
    overrides : list of str, optional
        Hydra override strings, applied after the scenario (``"seed=7"``,
        ``"scheme.kpis.aht.weight=0.5"``).
    """
    overrides = list(overrides or [])
    for ov in overrides:
        key = str(ov).split("=", 1)[0].lstrip("+~")
        has_value = "=" in str(ov) or str(ov).startswith("~")  # ~key deletes a key
        if not isinstance(ov, str) or not has_value or not key.strip():
            raise ConfigError(f"malformed override {ov!r}: overrides take the form key=value")
        check_bool(key, str(ov).split("=", 1)[1] if "=" in str(ov) else "")
    known = available_scenarios()
    if scenario not in known:
        raise ConfigError(
            f"scenario={scenario!r} is not a known scenario: choose one of {', '.join(known)}"
        )
    overrides = centre_overrides(overrides)
    try:
        composed = compose([f"scenario={scenario}", *overrides])
    except ConfigError:
        raise
    except Exception as exc:
        raise ConfigError(clean_hydra_message(exc)) from None
    return to_config(composed)


def available_scenarios() -> list[str]:
    """Names of the scenarios shipped in ``configs/scenario/``."""
    return sorted(p.stem for p in (CONFIG_DIR / "scenario").glob("*.yaml"))


def available_centres() -> list[str]:
    """Names of the centres in ``configs/centre/`` (``none``: the generic centre)."""
    return sorted(p.stem for p in (CONFIG_DIR / "centre").glob("*.yaml"))


def find_centre(value: str, centre_dir: str | None = None) -> Path | None:
    """The centre file ``centre=value`` names outside ``configs/centre/``, or None for a
    centre of ``configs/centre/``.

    ``value`` is a path to a centre file (:func:`~sim.config.paths.is_centre_path`:
    relative to the working directory), or a name: first ``centre_dir/<name>.yaml``
    (``centre_dir=``, the folder ``kpisim calibrate out=`` wrote to), then
    ``configs/centre/<name>.yaml``.

    Parameters
    ----------
    value : str
        The value of ``centre=``.
    centre_dir : str, optional
        The value of ``centre_dir=``: a folder of centre files.

    Raises
    ------
    ConfigError
        One line: the file, the folder or the name does not exist (with the names known).
    """
    if is_centre_path(value):
        path = Path(value).expanduser()
        if not path.is_file():
            raise ConfigError(
                f"centre={value!r}: no such centre file (a path is read from the working "
                f"directory {Path.cwd()}; a name is a file of configs/centre/)"
            )
        return path.absolute()
    own: list[str] = []
    if centre_dir is not None:
        folder = Path(centre_dir).expanduser()
        if not folder.is_dir():
            raise ConfigError(f"centre_dir={centre_dir!r} is not a folder")
        if (folder / f"{value}.yaml").is_file():
            return (folder / f"{value}.yaml").absolute()
        own = sorted(p.stem for p in folder.glob("*.yaml"))
    known = available_centres()
    if value not in known:
        where = f"{', '.join(own) or 'none'} (centre_dir={centre_dir}) or " if own else ""
        raise ConfigError(
            f"centre={value!r} is not a known centre: choose one of {where}"
            f"{', '.join(known)} (files of configs/centre/), or give the path of a centre "
            "file (centre=DIR/NAME.yaml) or its folder (centre_dir=DIR) as written by "
            "`kpisim calibrate out=DIR`"
        )
    return None


def check_centre(name: str, centre_dir: str | None = None) -> None:
    """Raise :class:`ConfigError` unless ``centre=name`` names a centre
    (:func:`find_centre`: a file of ``configs/centre/``, of ``centre_dir``, or a path).

    Parameters
    ----------
    name : str
        The value of ``centre=``.
    centre_dir : str, optional
        The value of ``centre_dir=``.
    """
    find_centre(name, centre_dir)


#: Why a sweep (``kpisim run -m``) refuses a centre file given by path or ``centre_dir=``.
CENTRE_SWEEP = (
    "a sweep (-m) takes centre=NAME of configs/centre/ (or several: centre=a,b); a "
    "centre file by path or centre_dir= works in a single kpisim run or kpisim compare"
)


def is_centre_file(override: str) -> bool:
    """Whether an override selects a centre file by path (``centre=DIR/NAME.yaml``; in a
    comma list, any item).

    Parameters
    ----------
    override : str
        One override string.
    """
    if not override.startswith("centre="):
        return False
    return any(is_centre_path(v) for v in override.split("=", 1)[1].split(","))


def centre_overrides(overrides: list[str]) -> list[str]:
    """Overrides with ``centre=PATH`` and ``centre_dir=DIR`` turned into what Hydra
    composes: ``centre=OPTION`` and ``hydra.searchpath=[file://...]``
    (:func:`~sim.config.paths.centre_search_dir`); a centre of ``configs/centre/`` and
    every other override pass unchanged (checked: :func:`find_centre`).

    ``centre_dir=`` is not a config key: it is consumed here (and by
    ``kpisim compare``), so ``kpisim run``, ``kpisim compare`` and
    :func:`load_config` accept it alike.  A sweep over centres (``centre=a,b``) takes
    names of ``configs/centre/`` only.

    Parameters
    ----------
    overrides : list of str
        Hydra override strings (flags such as ``-m`` pass through).
    """
    dirs = [o.split("=", 1)[1] for o in overrides if o.startswith("centre_dir=")]
    centre_dir = dirs[-1] if dirs else None
    out: list[str] = []
    search: list[Path] = []
    chosen = False
    for ov in overrides:
        if ov.startswith("centre_dir="):
            continue
        if not ov.startswith("centre="):
            out.append(ov)
            continue
        value = ov.split("=", 1)[1]
        chosen = True
        if "," in value:  # a sweep: names of configs/centre/ only
            for v in value.split(","):
                if is_centre_path(v) or find_centre(v, centre_dir) is not None:
                    raise ConfigError(f"centre={value}: {CENTRE_SWEEP}")
            out.append(ov)
            continue
        path = find_centre(value, centre_dir)
        if path is None:
            out.append(ov)
            continue
        try:
            root, option = centre_search_dir(path)
        except ValueError as exc:
            raise ConfigError(f"centre={value!r}: the centre file {path} {exc}") from None
        search.append(root)
        out.append(f"centre={option}")
    if centre_dir is not None and not chosen:
        raise ConfigError(
            f"centre_dir={centre_dir!r} needs centre=NAME (a centre file of that folder)"
        )
    if search:
        out.append("hydra.searchpath=[" + ",".join(f"file://{p}" for p in search) + "]")
    return out


def available_schemes() -> list[str]:
    """Names of the schemes shipped in ``configs/scheme/``."""
    return sorted(p.stem for p in (CONFIG_DIR / "scheme").glob("*.yaml"))


def clean_hydra_message(exc: BaseException) -> str:
    """Reduce a Hydra/OmegaConf exception (and its cause) to one meaningful line.

    Parameters
    ----------
    exc : BaseException
        What Hydra or OmegaConf raised while composing or converting a config.
    """
    texts, seen, link = [], set(), exc
    while link is not None and id(link) not in seen:  # the whole chain: Hydra wraps
        seen.add(id(link))  # OmegaConf's error in its own, which says only "Error merging"
        texts.append(str(link))
        link = link.__cause__ or link.__context__
    full = "\n".join(texts)
    lines = [ln.strip() for ln in full.splitlines() if ln.strip()]
    full_key = next((ln.split(":", 1)[1].strip() for ln in lines if ln.startswith("full_key:")), "")
    if "is not a ListConfig, list or tuple" in full and full_key:
        given = next((ln.split("=", 1)[1] for ln in lines if ln.startswith("Error merging")), "")
        shown = f"={given}" if given else ""
        return (
            f"{full_key}{shown}: {full_key} takes a list, written in brackets "
            f"(e.g. {full_key}=[1.0,1.2]; `kpisim run --cfg job` shows its default)"
        )
    if " not in '" in full or "not in struct" in full:
        return unknown_key_message(full_key or lines[0])
    if "could not be converted" in full or "Value '" in full:
        detail = next(ln for ln in lines if ln.startswith("Value '"))
        return f"{full_key}: {detail}" if full_key else detail
    if "Could not find '" in full:
        group = full.split("Could not find '", 1)[1].split("'", 1)[0]
        options = [
            ln for ln in lines[1:] if ln and not ln.startswith(("Available", "Config", "provider"))
        ]
        options = [o for o in options if not o.endswith("_schema")]
        return f"unknown config option {group!r}: choose one of {', '.join(options)}"
    if "is not a subclass of" in full and full_key:
        return (
            f"{full_key} is a group of keys, not a value: set its keys instead "
            f"(e.g. {full_key}.<key>=value; `kpisim run --cfg job` prints every key)"
        )
    if "is not Optional" in full and full_key:
        return f"{full_key}=null is not allowed: {full_key} needs a value"
    if "Error parsing override" in full:
        return f"{lines[0]}: overrides take the form key=value"
    head = lines[0] if lines else type(exc).__name__
    if full_key and full_key not in head:
        head = f"{full_key}: {head}"
    return head


def to_yaml(cfg: Config) -> str:
    """The resolved config as YAML (for reports and reproduction).

    Parameters
    ----------
    cfg : Config
        A validated config.
    """
    return OmegaConf.to_yaml(OmegaConf.structured(cfg))


def to_dict(cfg: Config) -> dict[str, Any]:
    """The resolved config as a plain nested dict.

    Parameters
    ----------
    cfg : Config
        A validated config.
    """
    return OmegaConf.to_container(OmegaConf.structured(cfg), resolve=True)  # type: ignore[return-value]


def config_hash(cfg: Config) -> str:
    """A stable short hash of the resolved config (output_dir and progress excluded).

    Parameters
    ----------
    cfg : Config
        A validated config.

    Returns
    -------
    str
        16 hexadecimal digits of the SHA-256 of the config as sorted JSON.
    """
    d = to_dict(cfg)
    d.pop("output_dir", None)
    d.pop("progress", None)
    return hashlib.sha256(json.dumps(d, sort_keys=True).encode()).hexdigest()[:16]


def flatten(d: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """A nested dict (a config as a dict) as one level of dotted keys
    (``{"a.b.c": leaf}``); lists become JSON strings and an empty dict None, so every
    value fits a table cell and compares by value.

    Parameters
    ----------
    d : dict
        A nested dict (e.g. :func:`to_dict` of a config).
    prefix : str
        Put before every key (used by the recursion; ``"a."`` for the keys under ``a``).
    """
    out: dict[str, Any] = {}
    for k, v in d.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            if v:
                out.update(flatten(v, key + "."))
            else:
                out[key] = None
        elif isinstance(v, list | tuple):
            out[key] = json.dumps(v)
        else:
            out[key] = v
    return out
