"""`python -m generator` runs the `oagen` command line."""

from generator.cli import run_and_exit

run_and_exit()
