"""``python -m geomap`` runs the command line."""

import sys

from geomap.cli import main

if __name__ == "__main__":  # worker processes started from a fork server import this module
    sys.exit(main())
