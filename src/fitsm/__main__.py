import sys

from fitsm.cli import main

sys.exit(main())
