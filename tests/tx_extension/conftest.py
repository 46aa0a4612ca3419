from tests.client.conftest import *  # noqa: F401,F403
