"""kpisim's Hydra launchers for real clusters (``configs/hydra/launcher/slurm.yaml`` and
``ray_cluster.yaml``): Hydra's submitit and Ray launchers, waiting for every job and
reporting the jobs lost on the cluster together.  Hydra only loads launchers from the
``hydra_plugins`` namespace, hence this package outside ``sim``.

* :mod:`.slurm_launcher` - the SLURM launcher (submitit);
* :mod:`.ray_launcher` - the launcher for an existing Ray cluster;
* here: :class:`LostJobs` and the message both give for the jobs lost on the cluster.
"""

from __future__ import annotations

from hydra.errors import CompactHydraException


class LostJobs(CompactHydraException):
    """Some jobs of a sweep ended on the cluster without a result (Hydra prints the
    message without a traceback; ``kpisim run`` exits with status 1)."""


def lost_jobs_message(lost: list[tuple[int, str, str]], total: int, sweep_dir: str) -> str:
    """One paragraph: which jobs were lost, how, and how to resume.

    Parameters
    ----------
    lost : list of (int, str, str)
        Per lost job: its number, its overrides and the reason (at most ten are listed).
    total : int
        Jobs in the sweep.
    sweep_dir : str
        The sweep directory, where the complete runs are and which a resumed sweep names.
    """
    lines = [f"kpisim run: {len(lost)} of {total} jobs ended on the cluster without a result:"]
    for num, overrides, reason in lost[:10]:
        lines.append(f"  failed: job {num} ({overrides}): {reason}")
    if len(lost) > 10:
        lines.append(f"  ... and {len(lost) - 10} more")
    lines.append(
        f"  the other runs are complete in {sweep_dir}; repeat the command with "
        f"hydra.sweep.dir={sweep_dir} to run only the missing ones"
    )
    return "\n".join(lines)
