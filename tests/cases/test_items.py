"""A case groups its hashes per photo or video: hashes sent with the same `file` number share one
opaque item id; the status the person sees is one line per item."""

from __future__ import annotations

import pytest

from hashbank.cases import selectors, services
from hashbank.cases.errors import InvalidSubmission
from hashbank.cases.models import Case, CaseSignal
from tests.fixtures.values import ATTESTED, md5, pdq


def in_file(file: int, *hashes: dict) -> list[dict]:
    return [{**h, "file": file} for h in hashes]


def test_the_hashes_of_one_file_share_an_opaque_item_id(db):
    photo, other = [md5(), pdq(), pdq()], [md5()]
    case, _ = services.submit_case(
        hashes=in_file(3, *photo) + in_file(8, *other), attestations=ATTESTED
    )
    items = {}
    for row in CaseSignal.objects.filter(case=case).select_related("signal"):
        items.setdefault(row.item, set()).add(row.signal.value)
    assert sorted(map(len, items.values())) == [1, 3]
    assert {h["value"] for h in photo} in items.values()
    for item in items:  # opaque: never the position sent, nor anything the client named
        assert len(item) == 8 and item not in ("3", "8")


def test_hashes_without_a_file_are_each_an_item_of_their_own(db):
    case, _ = services.submit_case(hashes=[md5(), md5(), pdq()], attestations=ATTESTED)
    assert len(set(CaseSignal.objects.filter(case=case).values_list("item", flat=True))) == 3


def test_a_value_in_two_files_belongs_to_the_first(db):
    shared = md5()
    case, _ = services.submit_case(
        hashes=in_file(0, shared, pdq()) + in_file(1, shared, md5()), attestations=ATTESTED
    )
    items = selectors.case_items(case)
    assert [len(item.hashes) for item in items] == [2, 1]
    assert shared["value"] in items[0].md5s


@pytest.mark.parametrize("file", [-1, 1000, "0", 1.0, True, None])
def test_a_file_that_is_not_a_small_whole_number_is_refused_and_nothing_is_written(db, file):
    with pytest.raises(InvalidSubmission) as refused:
        services.submit_case(hashes=[md5(), {**md5(), "file": file}], attestations=ATTESTED)
    assert refused.value.code == "invalid_file"
    assert refused.value.detail == {"index": 1}
    assert not Case.objects.exists()


def test_a_photo_is_in_use_while_any_of_its_fingerprints_is(db):
    case, _ = services.submit_case(hashes=in_file(0, md5(), pdq()), attestations=ATTESTED)
    first = CaseSignal.objects.filter(case=case).first()
    services.withdraw(case=case, case_signal_ids=[first.pk])
    (item,) = selectors.case_items(case)
    assert item.status in ("active", "pending")
    assert item.withdrawable
    services.withdraw(case=case)
    (item,) = selectors.case_items(case)
    assert item.status == "withdrawn" and not item.withdrawable


def test_items_are_numbered_in_the_order_they_were_submitted(db):
    case, _ = services.submit_case(
        hashes=in_file(5, md5()) + in_file(2, md5(), pdq()) + in_file(9, md5()),
        attestations=ATTESTED,
    )
    items = selectors.case_items(case)
    assert [(item.number, len(item.hashes)) for item in items] == [(1, 1), (2, 2), (3, 1)]
