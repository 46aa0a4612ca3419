import pytest

from hashbank.cases import services
from tests.fixtures.values import ATTESTED, md5, pdq


@pytest.fixture
def submitted(db):
    """A case holding one PDQ and two MD5 hashes, with its PIN."""
    return services.submit_case(hashes=[pdq(), md5(), md5()], attestations=ATTESTED)
