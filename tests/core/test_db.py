import select
import time

import psycopg
import pytest
from django.db import connection

from hashbank.cases import services
from tests.fixtures.values import ATTESTED, md5, pdq

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's"
)


def _prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


@pytest.fixture
def server_ends_the_connection(transactional_db):
    """Ends this test's database connection from the server side, as a restart would, and waits
    until the server's goodbye has reached the socket. The connection is closed afterwards
    whatever happens, so that no later test inherits a dead one."""

    def end() -> int:
        connection.ensure_connection()
        backend = connection.connection.info.backend_pid
        with psycopg.connect(connection.connection.info.dsn, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", [backend])
        socket = connection.connection.fileno()
        deadline = time.monotonic() + 10
        while not select.select([socket], [], [], 0.05)[0]:
            assert time.monotonic() < deadline, "the server did not end the connection"
        return backend

    yield end
    connection.close()


def test_the_submission_statement_is_prepared_once_per_connection(db):
    for _ in range(3):
        services.submit_case(hashes=[md5(), pdq()], attestations=ATTESTED)
    submissions = [sql for sql in _prepared_statements() if "INSERT INTO cases_case" in sql]
    assert len(submissions) == 1


def test_a_connection_the_server_dropped_is_replaced_before_the_submission(
    server_ends_the_connection,
):
    services.submit_case(hashes=[md5()], attestations=ATTESTED)
    connection.close_if_unusable_or_obsolete()  # what Django does when a request ends
    assert connection.health_check_enabled
    dropped = server_ends_the_connection()
    case, _ = services.submit_case(hashes=[md5(), pdq()], attestations=ATTESTED)
    assert case.case_signals.count() == 2
    assert connection.connection.info.backend_pid != dropped


def test_a_kept_connection_is_usable_until_the_server_ends_it(server_ends_the_connection):
    connection.ensure_connection()
    assert connection.is_usable()
    server_ends_the_connection()
    assert not connection.is_usable()
