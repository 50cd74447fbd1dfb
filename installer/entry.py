"""The bundle's entry point: the same command line as the `compliance-desk` script."""

import sys

from compliance_desk.cli import main

if __name__ == "__main__":
    sys.exit(main())
