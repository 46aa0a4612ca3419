from django.contrib.auth import get_user_model

from hashbank.audit.models import AuditEntry
from member_portal.members import services


def test_staff_actions_on_a_member_land_in_the_audit_log(db):
    staff = get_user_model().objects.create_user("manager", password="x" * 16, is_staff=True)
    member = services.create_member(slug="acme", name="Acme", actor=staff)
    credential, token = services.issue_credential(member=member, actor=staff)
    services.revoke_credential(credential=credential, actor=staff)
    services.invite_user(member=member, username="alice", actor=staff)
    services.suspend_member(member=member, actor=staff, reason="unpaid")
    actions = list(AuditEntry.objects.order_by("seq").values_list("action", "member"))
    assert actions == [
        ("member.created", "acme"),
        ("credential.issued", "acme"),
        ("credential.revoked", "acme"),
        ("member.user_invited", "acme"),
        ("member.suspended", "acme"),
    ]
    secret = token.split("_", 2)[2]
    assert not AuditEntry.objects.filter(after__icontains=secret).exists()


def test_scripted_actions_without_an_actor_are_not_audited(db):
    member = services.create_member(slug="acme", name="Acme")
    services.issue_credential(member=member)
    assert not AuditEntry.objects.exists()
