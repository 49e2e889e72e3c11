"""`python -m broadcasts ...`: see broadcasts/cli.py (LOA_STAFF_TOKEN names the staff account)."""
import sys

from broadcasts.cli import main

sys.exit(main())
