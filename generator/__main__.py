"""`python -m generator` runs the `oagen` command line."""

from .cli import run_and_exit

run_and_exit()
