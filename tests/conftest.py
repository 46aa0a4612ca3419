"""The whole suite shares one set of fixtures, in tests/fixtures/ (see its __init__)."""

pytest_plugins = [
    "tests.fixtures.isolation",
    "tests.fixtures.keys",
    "tests.fixtures.ledger",
    "tests.fixtures.members",
    "tests.fixtures.staff",
    "tests.fixtures.world",
    "tests.fixtures.bank",
    "tests.fixtures.browser",
    "tests.fixtures.worker",
    "tests.fixtures.backends",
]
