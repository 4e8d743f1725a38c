"""Golden outputs: fixed runs whose results must not change by accident.

Every scenario at two seeds over 60 days, plus one ``kpisim compare`` with two
replications, recorded BY VALUE beside this file (re-recorded only on purpose, in a commit
that says why):

* ``runs.json``: each run's full summary, and a SHA-256 of its daily and employee tables
  (CSV at full precision) - the bit-identity fingerprint;
* ``tables.tar.xz``: the tables themselves, as CSV: ``<scenario>.<seed>.daily.csv`` and
  ``<scenario>.<seed>.employees.csv`` for each run, ``compare/<file>.csv`` for each output
  file of the comparison (``compare.json`` holds their SHA-256);
* ``numerics.txt``: the machine's floating-point kernels (:func:`numerics_probe`) and the
  versions of the numerical libraries the goldens were recorded with.

``tests/test_golden.py`` compares every number with a relative tolerance ``RTOL`` (on any
machine: a refactor is checked everywhere), and separately checks bit-identity where the
environment is the recording one.  Regenerate with ``.venv/bin/python tests/golden/golden.py``.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import platform
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
#: The golden tables by value: each run's daily and employee tables and the
#: comparison's output files, as CSV in one xz-compressed tar (3 MB).
ARCHIVE = HERE / "tables.tar.xz"
SEEDS = (0, 1)
DAYS = 60
#: The run tables recorded by value (``RunResult`` attributes).
TABLE_NAMES = ("daily", "employees")
#: Relative tolerance of a by-value comparison.  Machines whose floating-point kernels
#: differ in the last bit (another CPU's SIMD paths, another numpy) give summaries that
#: agree to 1.5e-15 relative (measured on two machines and two numpy versions); any change
#: of behaviour - one more or one fewer random draw, one decision flipped - moves figures
#: by far more than 1e-9 relative (one call among ~100,000 moves a rate by ~1e-5).
#: 1e-12 sits 2-3 orders above the first and 3 below the second.
RTOL = 1e-12
#: Absolute floor of the comparison: a value computed as the difference of two O(1)
#: figures (a gap between measured and true FCR) carries their rounding, ~1e-16, however
#: small it is; 1e-14 is far below any figure the model reports.
ATOL = 1e-14
#: ``kpisim compare`` arguments of the golden comparison (small, but every code path:
#: replications, rollout, robust worlds, sensitivity).
COMPARE_ARGS = [
    "current=baseline",
    "proposal=aht_pay",
    "replications=2",
    "days=60",
    "robust=3",
    "robust_scale=0.05",
    "customers.n=100000",
    "employees.n=20",
    "jobs=1",
    "progress=false",
]
#: Output files of the comparison that are recorded.
COMPARE_FILES = (
    "comparison.csv",
    "replications.csv",
    "robust.csv",
    "timeseries.csv",
    "sensitivity.csv",
)


def frame_hash(df: pd.DataFrame) -> str:
    """SHA-256 of a table's columns and values (CSV with full float precision)."""
    return hashlib.sha256(df.to_csv(index=False).encode()).hexdigest()


def numerics_probe() -> str:
    """SHA-256 of the floating-point kernels the model relies on (numpy's vectorised
    exp/log/power, scipy's ndtr, the random distributions, libm through ``math``) on fixed
    inputs.  numpy picks SIMD kernels by CPU (AVX-512 vs AVX2 paths may differ in the last
    bit), so bit-identical outputs can only be expected where this probe matches the one
    recorded with the goldens (and the libraries are the same versions: see
    :func:`environment`)."""
    from scipy.special import ndtr

    x = np.linspace(-40.0, 40.0, 20_001)
    rng = np.random.default_rng(12345)
    parts = [
        np.exp(x),
        np.log1p(np.abs(x)),
        np.log(np.abs(x) + 1e-3),
        np.power(np.abs(x), 0.37),
        np.sqrt(np.abs(x)),
        ndtr(x / 7.0),
        np.tanh(x / 9.0),
        rng.normal(size=5000),
        rng.exponential(2.0, 5000),
        rng.lognormal(0.1, 0.8, 5000),
        rng.gamma(0.7, 1.3, 5000),
        rng.beta(2.0, 3.0, 5000),
        rng.geometric(0.2, 5000).astype(float),
        rng.poisson(3.5, 5000).astype(float),
        np.array([math.exp(v / 13.0) + math.log(1.0 + abs(v)) for v in x[::97]]),
    ]
    h = hashlib.sha256()
    for a in parts:
        h.update(np.ascontiguousarray(a, dtype=np.float64).tobytes())
    return h.hexdigest()


def environment() -> str:
    """The numerics probe and the versions of Python and the numerical libraries, one
    per line: where all match the recording, outputs are expected bit for bit (a newer
    numpy or pandas may round a sum or a mean differently in the last bit even on the
    same CPU)."""
    import numba
    import scipy

    versions = {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "pandas": pd.__version__,
        "scipy": scipy.__version__,
        "numba": numba.__version__,
    }
    return "\n".join([f"probe {numerics_probe()}", *(f"{k} {v}" for k, v in versions.items())])


def scenarios() -> list[str]:
    """Every scenario of ``configs/scenario``, sorted."""
    return sorted(p.stem for p in (ROOT / "configs" / "scenario").glob("*.yaml"))


def run(scenario: str, seed: int) -> tuple[dict[str, Any], dict[str, pd.DataFrame]]:
    """One golden run: its summary (through JSON, as recorded) and its tables."""
    from sim import load_config, run_simulation

    res = run_simulation(load_config(scenario, [f"seed={seed}", f"days={DAYS}"]))
    tables = {name: getattr(res, name) for name in TABLE_NAMES}
    return json.loads(json.dumps(res.summary)), tables


def fingerprint(summary: dict[str, Any], tables: dict[str, pd.DataFrame]) -> dict[str, Any]:
    """A run's entry of ``runs.json``: summary and table hashes."""
    return {"summary": summary, **{f"{n}_sha256": frame_hash(t) for n, t in tables.items()}}


def run_fingerprint(scenario: str, seed: int) -> dict[str, Any]:
    """A golden run's entry of ``runs.json`` (summary and table hashes)."""
    return fingerprint(*run(scenario, seed))


def member(scenario: str, seed: int, name: str) -> str:
    """The name of a golden run's table in ``tables.tar.xz``."""
    return f"{scenario}.{seed}.{name}.csv"


def table_csv(df: pd.DataFrame) -> bytes:
    """A table as CSV at full float precision (``repr``: reads back exactly)."""
    return df.to_csv(index=False).encode()


def read_table(data: bytes | Path) -> pd.DataFrame:
    """A table from CSV bytes or a CSV file (pandas' float parser is exact from 3.1 and
    within one unit in the last place before: far inside ``RTOL``)."""
    return pd.read_csv(io.BytesIO(data) if isinstance(data, bytes) else data)


def write_archive(files: dict[str, bytes], path: Path) -> None:
    """Files as one xz-compressed tar, members in the given order with no time stamps
    or owners, so equal contents give an equal archive."""
    with tarfile.open(path, "w:xz", preset=9) as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mode = 0o644
            tar.addfile(info, io.BytesIO(data))


def read_archive(path: Path = ARCHIVE) -> dict[str, bytes]:
    """The files of an archive written by :func:`write_archive`."""
    with tarfile.open(path, "r:xz") as tar:
        return {m.name: tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()}


def _number(x: Any) -> bool:
    return isinstance(x, int | float | np.integer | np.floating) and not isinstance(
        x, bool | np.bool_
    )


def close(a: float, b: float) -> bool:
    """Whether two numbers agree within ``RTOL`` (relative) or ``ATOL`` (absolute);
    NaN agrees with NaN, an infinity with the same infinity."""
    a, b = float(a), float(b)
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return math.isclose(a, b, rel_tol=RTOL, abs_tol=ATOL)


def close_array(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """:func:`close`, element by element."""
    with np.errstate(invalid="ignore"):
        tol = np.maximum(RTOL * np.maximum(np.abs(a), np.abs(b)), ATOL)
        return (a == b) | (np.abs(a - b) <= tol) | (np.isnan(a) & np.isnan(b))


def value_diffs(got: Any, want: Any, where: str = "") -> list[str]:
    """Every place where two JSON-like values differ: numbers beyond the tolerance of
    :func:`close`, anything else (keys, strings, booleans, None, lengths) exactly."""
    if isinstance(got, dict) and isinstance(want, dict):
        at = {k: f"{where}.{k}" if where else str(k) for k in set(got) | set(want)}
        out = [f"{at[k]}: missing" for k in sorted(set(want) - set(got))]
        out += [f"{at[k]}: unexpected" for k in sorted(set(got) - set(want))]
        for k in sorted(set(got) & set(want)):
            out += value_diffs(got[k], want[k], at[k])
        return out
    if isinstance(got, list) and isinstance(want, list):
        if len(got) != len(want):
            return [f"{where}: length {len(got)} != {len(want)}"]
        pairs = enumerate(zip(got, want, strict=True))
        return [d for i, (a, b) in pairs for d in value_diffs(a, b, f"{where}[{i}]")]
    if _number(got) and _number(want):
        return [] if close(got, want) else [f"{where}: {got!r} != {want!r}"]
    return [] if type(got) is type(want) and got == want else [f"{where}: {got!r} != {want!r}"]


def frame_diffs(got: pd.DataFrame, want: pd.DataFrame, name: str) -> list[str]:
    """Every column where two tables differ: names and shape exactly, numeric columns
    value by value within the tolerance of :func:`close`, other columns exactly (as
    text: a CSV read back does not keep pandas' string dtype)."""
    if list(got.columns) != list(want.columns):
        return [f"{name}: columns {list(got.columns)} != {list(want.columns)}"]
    if len(got) != len(want):
        return [f"{name}: {len(got)} rows != {len(want)}"]
    out = []
    for col in got.columns:
        a, b = got[col], want[col]
        numeric = all(
            pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s) for s in (a, b)
        )
        if numeric:
            ok = close_array(a.to_numpy(dtype=float), b.to_numpy(dtype=float))
        else:
            ok = (a.astype(str).to_numpy() == b.astype(str).to_numpy()) | (a.isna() & b.isna())
        if not ok.all():
            i = int(np.flatnonzero(~ok)[0])
            out.append(
                f"{name}.{col}: {int((~ok).sum())} rows differ, first row {i}: "
                f"{a.iloc[i]!r} != {b.iloc[i]!r}"
            )
    return out


def compare_outputs() -> dict[str, bytes]:
    """Run the golden ``kpisim compare``: its output files, as ``compare/<file>``."""
    kpisim = Path(sys.executable).parent / "kpisim"
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "cmp"
        subprocess.run(
            [str(kpisim), "compare", *COMPARE_ARGS, f"out={out}"],
            check=True,
            cwd=ROOT,
            capture_output=True,
        )
        files = {f"compare/{name}": (out / name).read_bytes() for name in COMPARE_FILES}
    return files


def compare_fingerprint() -> dict[str, str]:
    """SHA-256 of each output file of the golden comparison (``compare.json``)."""
    files = compare_outputs()
    return {name: hashlib.sha256(files[f"compare/{name}"]).hexdigest() for name in COMPARE_FILES}


def main() -> None:
    """Re-record every golden file from the current code."""
    runs, files = {}, {}
    for s in scenarios():
        for seed in SEEDS:
            summary, tables = run(s, seed)
            runs[f"{s}/{seed}"] = fingerprint(summary, tables)
            files |= {member(s, seed, n): table_csv(df) for n, df in tables.items()}
    compare = compare_outputs()
    hashes = {n: hashlib.sha256(compare[f"compare/{n}"]).hexdigest() for n in COMPARE_FILES}
    write_archive(files | compare, ARCHIVE)
    (HERE / "runs.json").write_text(json.dumps(runs, indent=1, sort_keys=True) + "\n")
    (HERE / "compare.json").write_text(json.dumps(hashes, indent=1) + "\n")
    (HERE / "numerics.txt").write_text(environment() + "\n")


if __name__ == "__main__":
    main()
