"""A bank with its witness key, and a peer log the operator added to witness."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.test import Client

from hashbank.witness import services
from tests.witness.peer import PeerLog

ADD = "/witness/add-checkpoint"


@pytest.fixture
def witness_key(key_dir):
    """The witness key, as `manage.py witness init` makes it: returns its cosigner."""
    cosigner, _ = services.init_key()
    return cosigner


@pytest.fixture
def peer(db, witness_key) -> PeerLog:
    """A peer log the witness trusts (added as `witness add-log` does), never cosigned yet."""
    log = PeerLog()
    services.add_log(origin=log.origin, vkeys=[log.vkey])
    return log


@pytest.fixture
def submit():
    """POST an add-checkpoint body; returns the response."""
    client = Client()

    def post(body: bytes):
        return client.post(ADD, data=body, content_type="text/plain")

    return SimpleNamespace(post=post, client=client)
