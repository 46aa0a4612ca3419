import secrets

import pytest

from hashbank.cases import services

ATTESTED = {"adult": True, "depicted": True, "consent": True}


def md5() -> dict:
    return {"type": "md5", "value": secrets.token_hex(16)}


def pdq(quality: int = 90) -> dict:
    return {"type": "pdq", "value": secrets.token_hex(32), "quality": quality}


@pytest.fixture
def submitted(db):
    """A case holding one PDQ and two MD5 hashes, with its PIN."""
    return services.submit_case(hashes=[pdq(), md5(), md5()], attestations=ATTESTED)
