"""Forms keep working under Referrer-Policy: no-referrer, which makes browsers send Origin: null."""

import pytest
from django.test import Client

from hashbank.cases import services
from tests.fixtures.values import ATTESTED, md5
from tests.submissions.conftest import post_form


@pytest.fixture
def form_client(db):
    client = Client(enforce_csrf_checks=True)
    client.get("/status/")
    return client


def _post(client, site: str):
    case, pin = services.submit_case(hashes=[md5()], attestations=ATTESTED)
    return post_form(
        client,
        "/status/",
        {
            "case_number": case.number,
            "pin": pin,
            "csrfmiddlewaretoken": client.cookies["csrftoken"].value,
        },
        HTTP_ORIGIN="null",
        HTTP_SEC_FETCH_SITE=site,
    )


def test_a_same_origin_form_post_with_a_null_origin_is_accepted(form_client):
    assert _post(form_client, "same-origin").status_code == 303  # to the case's page


@pytest.mark.parametrize("site", ["cross-site", "same-site", "none"])
def test_a_null_origin_from_anywhere_else_is_still_refused(form_client, site):
    assert _post(form_client, site).status_code == 403
