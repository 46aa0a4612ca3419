"""Each console action writes exactly one audit entry, naming who acted, on what, before/after."""

from __future__ import annotations

import pytest
from django.utils import timezone

from hashbank.audit.models import AuditEntry
from hashbank.audit.services import verify_chain
from tests.fixtures.possession import prove_possession
from tests.fixtures.staff import signed_in
from tests.fixtures.values import md5, pdq

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_for(make_staff):
    def make(role: str):
        user = make_staff(role)
        return signed_in(user), user

    return make


def one_entry(run) -> AuditEntry:
    """Run one console request and return the single audit entry it wrote."""
    last = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first()
    response = run()
    assert response.status_code in (200, 201, 302), response.status_code
    new = list(AuditEntry.objects.filter(seq__gt=-1 if last is None else last))
    assert len(new) == 1, [e.action for e in new]
    assert verify_chain().ok
    return new[0]


def test_add_note(world, client_for):
    client, user = client_for("caseworker")
    number = world.case.number
    entry = one_entry(
        lambda: client.post(f"/staff/cases/{world.case.pk}/notes/", {"text": "Called back."})
    )
    assert (entry.action, entry.target, entry.actor_id) == (
        "case.note_added",
        f"case:{number}",
        user.pk,
    )


def test_suspend_then_restore_signal(world, client_for):
    client, _ = client_for("dispute reviewer")
    row = world.case_signal()
    url = f"/staff/cases/{world.case.pk}/hashes/{row.pk}"
    assert one_entry(lambda: client.post(f"{url}/suspend/", {"reason": "under review"})).action == (
        "case.signal_suspended"
    )
    row.refresh_from_db()
    assert row.status == "suspended"
    assert one_entry(lambda: client.post(f"{url}/restore/")).action == "case.signal_restored"
    row.refresh_from_db()
    assert row.status == "active"


def test_withdraw_signal(world, client_for):
    client, _ = client_for("caseworker")
    row = world.case_signal("md5")
    entry = one_entry(
        lambda: client.post(f"/staff/cases/{world.case.pk}/hashes/{row.pk}/withdraw/")
    )
    assert entry.action == "case.signal_withdrawn"
    assert entry.before["status"] == "active" and entry.after["status"] == "withdrawn"
    row.refresh_from_db()
    assert row.status == "withdrawn"


def test_unlock_case(world, client_for):
    from hashbank.cases.models import Case

    Case.objects.filter(pk=world.case.pk).update(locked_at=timezone.now(), failed_pin_attempts=10)
    client, user = client_for("caseworker")
    prove_possession(world.case, user)
    entry = one_entry(lambda: client.post(f"/staff/cases/{world.case.pk}/unlock/"))
    assert entry.action == "case.unlocked" and entry.before["locked"] is True
    world.case.refresh_from_db()
    assert not world.case.is_locked


def test_assisted_submission(world, client_for):
    client, _ = client_for("caseworker")
    body = {
        "hashes": [pdq(), md5()],
        "attestations": {"adult": True, "depicted": True, "consent": True},
    }
    entry = one_entry(
        lambda: client.post("/staff/cases/new/", body, content_type="application/json")
    )
    assert entry.action == "case.submitted"
    from hashbank.cases.models import Case

    case = Case.objects.get(number=entry.target.removeprefix("case:"))
    assert case.staff_assisted


def test_uphold_dispute(world, client_for, settings):
    settings.HASHBANK_DISPUTE_REVIEWERS = 1  # a small helpline: one reviewer decides
    client, user = client_for("dispute reviewer")
    entry = one_entry(
        lambda: client.post(
            f"/staff/review/{world.dispute.pk}/uphold/",
            {"reason_code": "false_positive", "reason": "A different image."},
        )
    )
    assert entry.action == "dispute.upheld" and entry.member == "acme"
    world.dispute.refresh_from_db()
    assert world.dispute.status == "upheld" and world.dispute.reviewer_id == user.pk


def test_raise_dispute(world, client_for):
    client, user = client_for("caseworker")
    row = world.case_signal("md5")
    entry = one_entry(
        lambda: client.post(
            f"/staff/cases/{world.case.pk}/hashes/{row.pk}/dispute/",
            {"reason": "not_the_person", "note": "Not the person in the photo."},
        )
    )
    from hashbank.disputes.models import Dispute

    dispute = Dispute.objects.get(raised_by=user)
    assert (entry.action, entry.target, entry.actor_id, entry.member) == (
        "dispute.raised",
        f"dispute:{dispute.pk}",
        user.pk,
        "",
    )
    assert entry.after == {"reason": "not_the_person", "signal": row.signal_id}


def test_refused_dispute_writes_no_entry(world, client_for):
    client, _ = client_for("caseworker")
    row = world.case_signal("pdq")  # already under the member's open dispute
    before = AuditEntry.objects.count()
    response = client.post(
        f"/staff/cases/{world.case.pk}/hashes/{row.pk}/dispute/", {"reason": "other"}
    )
    assert response.status_code == 302
    assert AuditEntry.objects.count() == before


def test_reject_dispute(world, client_for):
    client, _ = client_for("administrator")
    entry = one_entry(
        lambda: client.post(f"/staff/review/{world.dispute.pk}/reject/", {"reason": "Confirmed."})
    )
    assert entry.action == "dispute.rejected"


def test_onboard_member(db, client_for):
    client, _ = client_for("member manager")
    entry = one_entry(
        lambda: client.post("/staff/members/", {"slug": "initech", "name": "Initech"})
    )
    assert (entry.action, entry.member) == ("member.created", "initech")


def test_invite_member_user(member, client_for):
    client, _ = client_for("member manager")
    entry = one_entry(
        lambda: client.post("/staff/members/acme/invite/", {"username": "tns-lead", "email": ""})
    )
    assert entry.action == "member.user_invited"


def test_issue_then_revoke_credential(member, client_for):
    client, _ = client_for("member manager")
    response_holder = {}

    def issue():
        response_holder["r"] = client.post(
            "/staff/members/acme/credentials/", {"label": "prod", "scopes": ["feed:read"]}
        )
        return response_holder["r"]

    entry = one_entry(issue)
    assert entry.action == "credential.issued" and entry.after["scopes"] == ["feed:read"]
    assert "hbk_" in response_holder["r"].content.decode()  # the token, shown once
    credential = member.credentials.get()
    entry = one_entry(
        lambda: client.post(f"/staff/members/acme/credentials/{credential.pk}/revoke/")
    )
    assert entry.action == "credential.revoked"
    credential.refresh_from_db()
    assert credential.is_revoked


def test_suspend_then_reactivate_member(member, client_for):
    client, _ = client_for("administrator")
    assert one_entry(
        lambda: client.post("/staff/members/acme/suspend/", {"reason": "x"})
    ).action == ("member.suspended")
    member.refresh_from_db()
    assert member.status == "suspended"
    assert one_entry(lambda: client.post("/staff/members/acme/reactivate/")).action == (
        "member.reactivated"
    )


def test_create_staff_account(db, client_for):
    client, _ = client_for("administrator")
    entry = one_entry(
        lambda: client.post("/staff/accounts/", {"username": "casey", "roles": ["caseworker"]})
    )
    assert entry.action == "staff.user_created" and entry.after["roles"] == ["caseworker"]


def test_reset_second_factor_and_deactivate(make_staff, client_for):
    client, _ = client_for("administrator")
    other = make_staff("caseworker", username="casey")
    entry = one_entry(lambda: client.post(f"/staff/accounts/{other.pk}/reset-second-factor/"))
    assert entry.action == "staff.second_factor_reset"
    entry = one_entry(lambda: client.post(f"/staff/accounts/{other.pk}/active/", {"active": "0"}))
    assert entry.action == "staff.user_deactivated"
    other.refresh_from_db()
    assert not other.is_active


def test_new_recovery_codes(db, client_for):
    client, _ = client_for("caseworker")
    assert one_entry(lambda: client.post("/staff/recovery-codes/")).action == (
        "auth.recovery_codes_replaced"
    )


def test_audit_export(db, client_for):
    client, _ = client_for("auditor")
    entry = one_entry(lambda: client.get("/staff/audit/export.csv?action=auth."))
    assert entry.action == "audit.exported" and entry.after["filter"] == {"action": "auth."}


def test_refused_action_writes_nothing(member, client_for):
    client, _ = client_for("auditor")
    before = AuditEntry.objects.count()
    assert client.post("/staff/members/acme/suspend/").status_code == 403
    assert AuditEntry.objects.count() == before


def test_invalid_onboarding_is_explained_and_writes_nothing(db, client_for):
    client, _ = client_for("member manager")
    response = client.post("/staff/members/", {"slug": "not a slug", "name": "X"})
    assert response.status_code == 400 and "slug" in response.content.decode().lower()
    assert not AuditEntry.objects.filter(action="member.created").exists()
