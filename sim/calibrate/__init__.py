"""``kpisim calibrate``: estimate a centre from its own call-detail records
(docs/calibrate.md).  An audience package: it uses the config, the model run and the
output helpers, and nothing uses it."""
