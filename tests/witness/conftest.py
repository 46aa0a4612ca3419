"""A bank with its witness key, and a peer log the operator added to witness."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.test import Client

from hashbank.witness import services
from tests.witness.on_disk import DiskWitness
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


@pytest.fixture(scope="module")
def disk_witness(tmp_path_factory):
    """A bank on a SQLite file, migrated, with its witness key and the peer log added, all by
    `manage.py` in processes of their own; its state is shared by the tests of one module."""
    witness = DiskWitness(tmp_path_factory.mktemp("disk-witness"))
    log = PeerLog()
    for args in (
        ("migrate", "-v0"),
        ("witness", "init"),
        ("witness", "add-log", log.origin, log.vkey),
    ):
        result = witness.manage(*args)
        assert result.returncode == 0, result.stderr
    witness.peer = log
    return witness
