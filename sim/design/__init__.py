"""``kpisim design`` (being built): a robust search over pay schemes.

* :mod:`.space` - the search space file (``configs/design/default.yaml``) and its
  validation against the config schema's own ranges;
* :mod:`.candidate` - an Optuna trial's parameters -> a validated scheme through the
  normal config path, the static SMART criteria, the ready-to-use scheme YAML;
* :mod:`.search` - the study: Optuna storage (resumable), the pluggable evaluation, the
  objectives and their robust statistic, the search / held-out split of seeds and worlds.
"""
