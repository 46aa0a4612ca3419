import sys

from hashbank.hasher.cli import main

sys.exit(main())
