"""``kpisim calibrate``: estimate a centre from its own call-detail records
(docs/calibrate.md).  An audience package: it uses the config, the model run and the
output helpers, and nothing uses it.

Modules, in the order a calibration uses them:

* :mod:`.cli` - the command: read and check everything, estimate, write; :mod:`.cli_args`
  - its arguments;
* :mod:`.mapping` - the YAML column mapping; :mod:`.records` and :mod:`.calls` - call
  records to one canonical frame; :mod:`.intervals` - a WFM interval report;
* :mod:`.estimate`, :mod:`.estimate_intervals`, :mod:`.patience_intervals`,
  :mod:`.dispersion` - what the data identify, each with its uncertainty;
  :mod:`.staffing` - the centre's own staffing policy; :mod:`.costs` - the centre's cost
  figures;
* :mod:`.history`, :mod:`.schemes`, :mod:`.kpi_sim`, :mod:`.infer` - the KPI history
  (with the scheme in force each period) and the posterior of what the records cannot
  show;
* :mod:`.centre` - the centre file's keys, the profile CSV, the centre file;
* :mod:`.pilot` - the volume pilot (``customers.n`` and ``handling.mean_s``);
* :mod:`.simulate`, :mod:`.figures`, :mod:`.backtest`, :mod:`.backtest_kpis`,
  :mod:`.backtest_run`, :mod:`.page` - the back-test and its report.
"""
