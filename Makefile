# kpisim: the two commands of the README.
#   make run   set up .venv (Python >= 3.12) and run the main job (kpisim compare) on its defaults
#   make test  set up .venv, check style and the import layering, run the whole test suite
#              (the cluster tests start and stop a local SLURM and Ray cluster with
#              scripts/cluster/; as root they install SLURM's Debian packages first)
# The venv is (re)built when pyproject.toml changes.

VENV    ?= .venv
PYTHON  ?= $(shell for p in python3.12 python3.13 python3; do \
             if $$p -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; \
             then echo $$p; break; fi; done)
STAMP   := $(VENV)/.installed
EXTRAS  ?= all

.PHONY: run test test-clusters setup lint bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "kpisim needs Python >= 3.12 on PATH (see README: Set-up)" >&2; exit 1; }
	@test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install -q --upgrade pip
	$(VENV)/bin/python -m pip install -q -e '.[$(EXTRAS)]'
	@touch $@

run: $(STAMP)
	$(VENV)/bin/kpisim compare

test: $(STAMP)
	@bash scripts/ensure-browser
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/python -m pytest -n 2 --dist loadgroup --durations=40

# only the tests on live SLURM and Ray clusters (tests/test_clusters.py)
test-clusters: $(STAMP)
	$(VENV)/bin/python -m pytest -m cluster

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

bench: $(STAMP)
	$(VENV)/bin/python experiments/bench_speed.py

clean:
	rm -rf $(VENV) results/runs results/sweeps
