import sys

from member_portal.client.cli import main

sys.exit(main())
