"""The project's settings without the member apps, for tests/architecture/test_one_direction.py.
`HASHBANK_WITHOUT` picks what else is left out (comma-separated app names)."""

import os

from hashbank.settings import *  # noqa: F403

_without = {name for name in os.environ.get("HASHBANK_WITHOUT", "").split(",") if name}
INSTALLED_APPS = [  # noqa: F405
    app
    for app in INSTALLED_APPS  # noqa: F405
    if not app.startswith("member_portal.") and app not in _without
]
ROOT_URLCONF = "tests.architecture.no_urls"
