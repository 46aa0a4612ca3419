"""/.well-known/hashbank: what a peer needs to find, verify and witness this bank."""

from __future__ import annotations

import pytest
from django.test import Client

from hashbank.ledger import selectors as ledger_selectors

pytestmark = pytest.mark.django_db


def test_the_discovery_document_names_the_origin_the_keys_and_the_prefixes(
    signing_key, witness_key, settings
):
    response = Client().get("/.well-known/hashbank")
    assert response.status_code == 200
    doc = response.json()
    assert doc["origin"] == settings.HASHBANK_ORIGIN
    assert doc["log_keys"] == ledger_selectors.public_keys() and len(doc["log_keys"]) == 1
    assert doc["witness"] == {
        "name": witness_key.name,
        "key": str(witness_key.verifier),
        "prefix": "/witness/",
    }
    assert (doc["tiles"], doc["root_documents"]) == ("/log/", "/api/v1/roots")


def test_the_root_documents_url_it_names_serves_root_documents_to_members(
    signing_key, witness_key, api
):
    doc = Client().get("/.well-known/hashbank").json()
    response = api.get(doc["root_documents"])
    assert response.status_code == 200
    assert response.json()["roots"] == ledger_selectors.root_documents()


def test_before_any_key_exists_the_document_says_so_with_nulls_and_empty_lists(key_dir):
    doc = Client().get("/.well-known/hashbank").json()
    assert doc["log_keys"] == [] and doc["witness"]["key"] is None
