"""``kpisim design``: a robust search over pay schemes, verified on held-out runs.

* :mod:`.cli` - the command: arguments checked first, the study, the front, the
  held-out verification, the page;
* :mod:`.space` - the search space file (``configs/design/default.yaml``) and its
  validation against the config schema's own ranges;
* :mod:`.candidate` - an Optuna trial's parameters -> a validated scheme through the
  normal config path, the static SMART criteria, the ready-to-use scheme YAML;
* :mod:`.objectives` - what is maximised (``objective=value`` or ``dashboard``), one
  run's record of it, the robust statistic over runs;
* :mod:`.constraints` - the leader's limits (bonus budget, service level, no toxic sign,
  SMART) computed from the runs and set on the trial for the sampler;
* :mod:`.worlds` - the plausible worlds (the uncertainty ranges or the centre's
  posterior, sampled as the robust verdict samples them);
* :mod:`.runs` - a candidate's runs over seeds and worlds, on the worker pool;
* :mod:`.launchers` - where the runs go: this machine's cores, a SLURM or a Ray cluster
  (``launcher=``), the same results on each;
* :mod:`.search` - the study: Optuna storage (resumable), the pluggable evaluation, the
  search / held-out split of seeds and worlds, the front;
* :mod:`.verify` - the top schemes re-run on the held-out set beside the current one;
* :mod:`.files` - ``front.csv`` and the scheme files with their compare command;
* :mod:`.page`, :mod:`.figures` - the page ``design.html`` and its figures.
"""
