"""ledger.selectors.served_checkpoint: the published checkpoint of a size, its note parsed once per
process and publication, never a stale one (a receipt is checked against it)."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from hashbank.ledger import selectors
from hashbank.ledger.models import Checkpoint
from member_portal.feed import note


def test_the_served_checkpoint_is_the_published_one_with_its_text(published):
    _case, checkpoint = published
    served = selectors.served_checkpoint(checkpoint.size)
    assert (served.size, served.root, served.note) == (
        checkpoint.size,
        bytes(checkpoint.root),
        checkpoint.note,
    )
    assert served.text == note.split(checkpoint.note)[0]
    with CaptureQueriesContext(connection) as queries:
        assert selectors.served_checkpoint(checkpoint.size) == served
    # Seen before: one statement, the row's publication time and root, and no note read.
    assert len(queries) == 1 and "note" not in queries[0]["sql"]


def test_a_resigned_checkpoint_is_served_anew(published, settings):
    _case, checkpoint = published
    first = selectors.served_checkpoint(checkpoint.size)
    settings.HASHBANK_RESIGN_SECONDS = 0
    from hashbank.ledger import services

    services.seal()  # re-signs and publishes: same size and tree, a new note

    resigned = selectors.checkpoint_for_size(checkpoint.size)
    assert resigned.note != first.note
    assert selectors.served_checkpoint(checkpoint.size).note == resigned.note


def test_a_new_publication_of_a_size_is_seen_even_at_the_same_tree(published):
    """Another process publishing (the witnesses' round) changes only the row: the publication
    time the cache is keyed on tells this process so."""
    _case, checkpoint = published
    selectors.served_checkpoint(checkpoint.size)
    cosigned = (
        checkpoint.note + "— witness.example/w AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n"
    )
    Checkpoint.objects.filter(pk=checkpoint.pk).update(
        note=cosigned, published_at=checkpoint.published_at.replace(microsecond=1)
    )
    assert selectors.served_checkpoint(checkpoint.size).note == cosigned


def test_a_later_checkpoint_is_served_once_published(publish):
    _case, first = publish()
    assert selectors.served_checkpoint(first.size + 1) is None
    _case, second = publish([("md5", "0" * 31 + "1")])
    assert second.size > first.size
    assert selectors.served_checkpoint(second.size).note == second.note
    assert selectors.served_checkpoint(first.size).note == first.note


def test_an_unpublished_or_impossible_size_is_not_served(published):
    _case, checkpoint = published
    Checkpoint.objects.filter(pk=checkpoint.pk).update(published_at=None)
    assert selectors.served_checkpoint(checkpoint.size) is None
    assert selectors.served_checkpoint(-1) is None
    assert selectors.served_checkpoint(2**64) is None
