"""``kpisim design`` (a first version): a robust search over pay schemes.

* :mod:`.cli` - the command: arguments checked first, the study, the front's files;
* :mod:`.space` - the search space file (``configs/design/default.yaml``) and its
  validation against the config schema's own ranges;
* :mod:`.candidate` - an Optuna trial's parameters -> a validated scheme through the
  normal config path, the static SMART criteria, the ready-to-use scheme YAML;
* :mod:`.search` - the study: Optuna storage (resumable), the pluggable evaluation, the
  objectives and their robust statistic, the search / held-out split of seeds and worlds.
"""
