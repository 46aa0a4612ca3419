"""The permissions matrix: every role against every console action, allowed and refused; and no
page or action for anyone without a verified second factor, or without a staff account.

What each role may do is read from the role table in docs/staff-console.md (what operators are
told), never from hashbank/staff/roles.py (the code under test).

The objects named in the URLs do not exist: an allowed request passes the guard and gets the
view's own answer (a page, a form error, or "not found"); a refused one is a 403 before any lookup.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

from hashbank.audit.models import AuditEntry
from hashbank.staff.roles import ROLES
from tests.fixtures.staff import ALL_ROLES, signed_in

pytestmark = pytest.mark.django_db

STAFF_CONSOLE_DOC = Path(__file__).resolve().parents[2] / "docs" / "staff-console.md"


def documented_grants() -> dict[str, frozenset[str]]:
    """role -> the permissions the role table in docs/staff-console.md gives it: each row names
    one or more `app_label.codename` permissions, and a role column holds "yes" or nothing."""
    lines = STAFF_CONSOLE_DOC.read_text().splitlines()
    top = next(i for i, line in enumerate(lines) if line.startswith("| Permission |"))
    roles = [cell.strip() for cell in lines[top].strip().strip("|").split("|")][1:]
    grants: dict[str, set[str]] = {role: set() for role in roles}
    for line in lines[top + 2 :]:
        if not line.startswith("|"):
            break
        first, *cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        perms = re.findall(r"`([a-z_]+\.[a-z_]+)`", first)
        assert perms, f"a row of the role table names no permission: {line}"
        for role, cell in zip(roles, cells, strict=True):
            assert cell in ("yes", ""), f"{role}: {cell!r} is neither 'yes' nor empty: {line}"
            if cell == "yes":
                grants[role].update(perms)
    return {role: frozenset(perms) for role, perms in grants.items()}


DOCUMENTED = documented_grants()

# (action, method, url, permission it needs)
ACTIONS = [
    ("dashboard", "get", "/staff/", "staff.view_dashboard"),
    ("find case", "get", "/staff/cases/", "staff.view_cases"),
    ("find case by number", "post", "/staff/cases/", "staff.view_cases"),
    ("read case", "get", "/staff/cases/999999999/", "staff.view_cases"),
    ("case list", "get", "/staff/cases/?locked=1&mine=1", "staff.view_cases"),
    ("search cases", "get", "/staff/cases/?q=HB-00", "staff.view_cases"),
    ("my cases", "get", "/staff/cases/mine/", "staff.view_cases"),
    ("export case list", "get", "/staff/cases/export.csv", "staff.export_cases"),
    ("assign case", "post", "/staff/cases/999999999/assign/", "staff.assign_case"),
    ("withdraw all", "post", "/staff/cases/999999999/withdraw-all/", "staff.withdraw_signal"),
    ("suspend all", "post", "/staff/cases/999999999/suspend-all/", "staff.suspend_signal"),
    ("add note", "post", "/staff/cases/999999999/notes/", "staff.add_case_note"),
    (
        "suspend signal",
        "post",
        "/staff/cases/999999999/hashes/999/suspend/",
        "staff.suspend_signal",
    ),
    (
        "restore signal",
        "post",
        "/staff/cases/999999999/hashes/999/restore/",
        "staff.restore_signal",
    ),
    (
        "withdraw signal",
        "post",
        "/staff/cases/999999999/hashes/999/withdraw/",
        "staff.withdraw_signal",
    ),
    (
        "raise dispute",
        "post",
        "/staff/cases/999999999/hashes/999/dispute/",
        "staff.raise_dispute",
    ),
    ("unlock case", "post", "/staff/cases/999999999/unlock/", "staff.unlock_case"),
    ("assisted submission page", "get", "/staff/cases/new/", "staff.assisted_submission"),
    ("assisted submission", "post", "/staff/cases/new/", "staff.assisted_submission"),
    ("review queue", "get", "/staff/review/", "staff.view_disputes"),
    ("read dispute", "get", "/staff/review/999/", "staff.view_disputes"),
    ("uphold dispute", "post", "/staff/review/999/uphold/", "staff.decide_dispute"),
    ("reject dispute", "post", "/staff/review/999/reject/", "staff.decide_dispute"),
    ("members", "get", "/staff/members/", "staff.view_members"),
    ("onboard member", "post", "/staff/members/", "staff.manage_members"),
    ("read member", "get", "/staff/members/nobody/", "staff.view_members"),
    ("invite member user", "post", "/staff/members/nobody/invite/", "staff.manage_members"),
    (
        "re-invite portal user",
        "post",
        "/staff/members/nobody/users/9/reinvite/",
        "staff.manage_members",
    ),
    (
        "reset portal user",
        "post",
        "/staff/members/nobody/users/9/reset/",
        "staff.reset_portal_user",
    ),
    ("suspend member", "post", "/staff/members/nobody/suspend/", "staff.manage_members"),
    ("reactivate member", "post", "/staff/members/nobody/reactivate/", "staff.manage_members"),
    ("issue credential", "post", "/staff/members/nobody/credentials/", "staff.manage_credentials"),
    (
        "revoke credential",
        "post",
        "/staff/members/nobody/credentials/9/revoke/",
        "staff.manage_credentials",
    ),
    ("keys", "get", "/staff/keys/", "staff.view_keys"),
    ("audit log", "get", "/staff/audit/", "audit.view_auditentry"),
    ("audit verify", "get", "/staff/audit/verify", "audit.view_auditentry"),
    ("audit export", "get", "/staff/audit/export.csv", "audit.export_auditentry"),
    ("staff accounts", "get", "/staff/accounts/", "staff.manage_staff"),
    ("create staff account", "post", "/staff/accounts/", "staff.manage_staff"),
    (
        "reset second factor",
        "post",
        "/staff/accounts/999/reset-second-factor/",
        "staff.manage_staff",
    ),
    ("deactivate staff", "post", "/staff/accounts/999/active/", "staff.manage_staff"),
    ("helpline contact", "get", "/staff/helpline/", "staff.manage_helpline"),
    ("save helpline contact", "post", "/staff/helpline/", "staff.manage_helpline"),
    ("federation", "get", "/staff/federation/", "staff.manage_federation"),
    (
        "suspend peer",
        "post",
        "/staff/federation/peers/nobody/suspend",
        "staff.manage_federation",
    ),
    ("new recovery codes", "post", "/staff/recovery-codes/", None),
]
# What an allowed request gets: the page (200); a form error, since the form is empty (400); or
# "not found", since the object the URL names does not exist (404). Never a redirect, so an
# allowed request that is sent to sign in fails here.
ALLOWED_STATUS = {
    "dashboard": 200,
    "find case": 200,
    "find case by number": 200,
    "read case": 404,
    "case list": 200,
    "search cases": 200,
    "my cases": 200,
    "export case list": 200,
    "assign case": 404,
    "withdraw all": 404,
    "suspend all": 404,
    "add note": 404,
    "suspend signal": 404,
    "restore signal": 404,
    "withdraw signal": 404,
    "raise dispute": 404,
    "unlock case": 404,
    "assisted submission page": 200,
    "assisted submission": 400,
    "review queue": 200,
    "read dispute": 404,
    "uphold dispute": 404,
    "reject dispute": 404,
    "members": 200,
    "onboard member": 400,
    "read member": 404,
    "invite member user": 404,
    "re-invite portal user": 404,
    "reset portal user": 404,
    "suspend member": 404,
    "reactivate member": 404,
    "issue credential": 404,
    "revoke credential": 404,
    "keys": 200,
    "audit log": 200,
    "audit verify": 200,
    "audit export": 200,
    "staff accounts": 200,
    "create staff account": 400,
    "reset second factor": 404,
    "deactivate staff": 404,
    "helpline contact": 200,
    "save helpline contact": 400,
    "federation": 200,
    "suspend peer": 404,
    "new recovery codes": 200,
}
CASES = [
    pytest.param(role, action, method, url, perm, id=f"{role}-{action}")
    for role in DOCUMENTED
    for action, method, url, perm in ACTIONS
]


def _request(client: Client, method: str, url: str):
    if method == "get":
        return client.get(url)
    return client.post(url, {}, content_type="application/x-www-form-urlencoded")


def test_the_role_table_names_every_role_and_every_permission_the_console_checks():
    assert set(DOCUMENTED) == set(ALL_ROLES)
    needed = {perm for _, _, _, perm in ACTIONS if perm is not None}
    assert needed <= set().union(*DOCUMENTED.values())
    assert set(ALLOWED_STATUS) == {action for action, _, _, _ in ACTIONS}


def test_roles_hold_exactly_the_documented_permissions(make_staff):
    for role in ALL_ROLES:
        user = make_staff(role)
        assert user.get_all_permissions() == set(DOCUMENTED[role]), role
    auditor = DOCUMENTED["auditor"]
    assert auditor == {p for p in auditor if "view" in p or "export" in p}


def test_raise_dispute_is_held_by_casework_and_review_roles_never_by_auditors():
    holders = {role for role, perms in ROLES.items() if "staff.raise_dispute" in perms}
    assert holders == {"caseworker", "dispute reviewer", "administrator"}


@pytest.mark.parametrize(("role", "action", "method", "url", "perm"), CASES)
def test_role_against_action(make_staff, role, action, method, url, perm):
    client = signed_in(make_staff(role))
    response = _request(client, method, url)
    allowed = perm is None or perm in DOCUMENTED[role]
    if allowed:
        assert response.status_code == ALLOWED_STATUS[action], response.status_code
    else:
        assert response.status_code == 403
        assert AuditEntry.objects.exclude(action__startswith="auth.").count() == 0


@pytest.mark.parametrize(("action", "method", "url", "perm"), ACTIONS, ids=[a[0] for a in ACTIONS])
def test_without_verified_second_factor_every_action_is_refused(
    make_staff, action, method, url, perm
):
    client = signed_in(make_staff("administrator"), verified=False)
    response = _request(client, method, url)
    assert response.status_code == 302
    assert response["Location"] == "/staff/login/verify/"
    assert AuditEntry.objects.count() == 0


@pytest.mark.parametrize(("action", "method", "url", "perm"), ACTIONS, ids=[a[0] for a in ACTIONS])
def test_signed_out_every_action_goes_to_sign_in(db, action, method, url, perm):
    response = _request(Client(), method, url)
    assert response.status_code == 302 and response["Location"].startswith("/staff/login/?next=")


@pytest.mark.parametrize(("action", "method", "url", "perm"), ACTIONS, ids=[a[0] for a in ACTIONS])
def test_staff_account_without_a_role_is_refused(make_staff, action, method, url, perm):
    response = _request(signed_in(make_staff(None)), method, url)
    if perm is None:
        assert response.status_code == 200
    else:
        assert response.status_code == 403


def test_non_staff_user_is_refused_even_with_a_second_factor(django_user_model):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = django_user_model.objects.create(username="portal-user", is_staff=False)
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client = signed_in(user)
    for _, method, url, _ in ACTIONS:
        assert _request(client, method, url).status_code == 403, url


def test_sync_groups_matches_the_migration(db):
    from django.contrib.auth.models import Group

    from hashbank.staff.roles import sync_groups

    before = {
        g.name: {f"{p.content_type.app_label}.{p.codename}" for p in g.permissions.all()}
        for g in Group.objects.all()
    }
    sync_groups()
    after = {
        g.name: {f"{p.content_type.app_label}.{p.codename}" for p in g.permissions.all()}
        for g in Group.objects.all()
    }
    assert before == after == {role: set(perms) for role, perms in ROLES.items()}
    assert after == {role: set(perms) for role, perms in DOCUMENTED.items()}
