"""Shared member fixtures (tests/member_fixtures.py)."""

from tests.member_fixtures import *  # noqa: F401,F403
