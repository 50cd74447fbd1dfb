import sys

from compliance_desk.cli import main

sys.exit(main())
