"""`python -m generator` runs the `oagen` command line."""

import sys

from .cli import main

sys.exit(main())
