"""Informed decisions: the member attaches a description of the content through the API; the
dispute page shows it with the member's match reports for the signal and earlier disputes of it
with their outcomes; decided disputes stay searchable by number, member and hash value."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from hashbank.disputes import services as disputes
from hashbank.disputes.models import Dispute
from member_portal.reports import services as reports
from tests.fixtures.members import ApiClient
from tests.fixtures.staff import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewer(make_staff):
    return signed_in(make_staff("dispute reviewer", username="rita"))


def post_dispute(world, **body):
    signal = world.case_signal("md5").signal
    payload = {"signal_type": "md5", "value": signal.value, "reason": "not_intimate_imagery"}
    return ApiClient(world.token).post(
        "/api/v1/disputes", json.dumps({**payload, **body}), content_type="application/json"
    )


def test_member_attaches_a_content_description_and_reads_it_back(world):
    response = post_dispute(world, content_description="  A stock photo of a beach, no people.\r\n")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["content_description"] == "A stock photo of a beach, no people."
    dispute = Dispute.objects.get(pk=body["id"])
    assert dispute.content_description == "A stock photo of a beach, no people."
    again = ApiClient(world.token).get(f"/api/v1/disputes/{dispute.pk}")
    assert again.json()["content_description"] == "A stock photo of a beach, no people."
    # Without one the field is there, empty.
    assert (
        ApiClient(world.token)
        .get(f"/api/v1/disputes/{world.dispute.pk}")
        .json()["content_description"]
        == ""
    )


def test_too_long_description_is_a_400_with_its_code_and_writes_nothing(world):
    before = Dispute.objects.count()
    response = post_dispute(world, content_description="x" * 2001)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "description_too_long"
    assert Dispute.objects.count() == before


def test_dispute_page_shows_the_members_reports_description_and_earlier_outcomes(
    world, reviewer, make_staff
):
    signal = world.case_signal("pdq").signal
    now = timezone.now()
    for distance, action in ((0, "blocked_upload"), (12, "removed"), (12, "blocked_upload")):
        reports.submit_report(
            member=world.member,
            signal_type="pdq",
            value=signal.value,
            action=action,
            distance=distance,
            matched_at=now - dt.timedelta(hours=1),
        )
    # An earlier dispute of the same signal, rejected by another reviewer.
    earlier = world.dispute
    disputes.reject(
        dispute=earlier, reviewer=make_staff("dispute reviewer", username="rex"), reason="Seen: ok"
    )
    current, _ = disputes.raise_dispute(
        member=world.member,
        signal_type="pdq",
        value=signal.value,
        reason="not_intimate_imagery",
        content_description="A clothed adult at a public event.",
    )
    page = reviewer.get(f"/staff/review/{current.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "A clothed adult at a public event." in html
    summary = page.context["member_reports"]
    assert summary["count"] == 3
    assert (summary["min_distance"], summary["max_distance"]) == (0, 12)
    assert summary["actions"] == [("Blocked Upload", 2), ("Removed", 1)]
    assert "3 reports" in html and "0 to 12 bits" in html
    assert "blocked upload: 2; removed: 1" in html
    assert [d.pk for d in page.context["earlier_disputes"]] == [earlier.pk]
    assert f"Dispute {earlier.pk}</a>" in html and "<strong>rejected</strong>" in html
    assert "by rex: Seen: ok" in html
    # The earlier dispute's page shows the current one as still open.
    assert "still open" in reviewer.get(f"/staff/review/{earlier.pk}/").content.decode()


def test_dispute_page_says_when_there_is_nothing_to_show(world, reviewer):
    html = reviewer.get(f"/staff/review/{world.dispute.pk}/").content.decode()
    assert "Acme Video has sent no match report for this signal." in html
    assert "This is the first dispute of this signal." in html
    assert "attached no description" in html


def decide_many(world, make_staff, n: int) -> list[Dispute]:
    rex = make_staff("dispute reviewer", username="rex")
    signal = world.case_signal("md5").signal
    decided = []
    for i in range(n):
        dispute, _ = disputes.raise_dispute(
            member=world.member, signal_type="md5", value=signal.value, reason="other"
        )
        decided.append(disputes.reject(dispute=dispute, reviewer=rex, reason=f"r{i}"))
    return decided


def test_decided_disputes_page_newest_first_with_keyset_pages(world, reviewer, make_staff):
    decided = decide_many(world, make_staff, 53)
    first = reviewer.get("/staff/review/decided/")
    assert first.status_code == 200
    newest_first = sorted(decided, key=lambda d: (d.decided_at, d.pk), reverse=True)
    assert [d.pk for d in first.context["rows"]] == [d.pk for d in newest_first[:50]]
    assert world.dispute.pk not in [d.pk for d in first.context["rows"]]  # still open
    nxt = first.context["next_before"]
    second = reviewer.get(f"/staff/review/decided/?before={nxt}")
    assert [d.pk for d in second.context["rows"]] == [d.pk for d in newest_first[50:]]
    assert second.context["next_before"] is None
    assert reviewer.get("/staff/review/decided/?status=upheld").context["rows"] == []


def test_decided_disputes_search_by_number_member_and_hash(world, reviewer, make_staff):
    decided = decide_many(world, make_staff, 2)
    md5_value = world.case_signal("md5").signal.value
    by_hash = reviewer.post("/staff/review/decided/", {"q": md5_value})
    assert {d.pk for d in by_hash.context["rows"]} == {d.pk for d in decided}
    other = "0" * 32
    assert reviewer.post("/staff/review/decided/", {"q": other}).context["rows"] == []
    by_number = reviewer.post("/staff/review/decided/", {"q": f"#{decided[0].pk}"})
    assert [d.pk for d in by_number.context["rows"]] == [decided[0].pk]
    by_member = reviewer.post("/staff/review/decided/", {"q": "acme"})
    assert len(by_member.context["rows"]) == 2
    assert reviewer.post("/staff/review/decided/", {"q": "nobody"}).context["rows"] == []
    bad = reviewer.post("/staff/review/decided/", {"q": "pdq:abc"})
    assert bad.status_code == 400 and bad.context["error"]


def test_decided_disputes_need_the_queue_permission(world, make_staff):
    client = signed_in(make_staff("member manager", username="mona"))
    assert client.get("/staff/review/decided/").status_code == 403
