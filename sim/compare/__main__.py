"""``python -m sim.compare ARGS`` runs ``kpisim compare ARGS``."""

import sys

from .cli import main

raise SystemExit(main(sys.argv[1:]))
