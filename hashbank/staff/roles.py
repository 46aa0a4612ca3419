"""The staff roles and the permissions each holds (as `app_label.codename`).

Migration 0002 creates one Django group per role from a frozen copy of this table, and later
migrations (0003: `staff.raise_dispute`; 0004: assigning and exporting cases, resetting portal
users; 0005: `staff.manage_helpline`; 0006: `staff.manage_federation`; 0007: `staff.review_signal`) add permissions to it; a change here needs a new migration.
"""

from __future__ import annotations

CASEWORKER = "caseworker"
DISPUTE_REVIEWER = "dispute reviewer"
MEMBER_MANAGER = "member manager"
ADMINISTRATOR = "administrator"
AUDITOR = "auditor"

_CASEWORK = {
    "staff.view_dashboard",
    "staff.view_cases",
    "staff.assign_case",
    "staff.export_cases",
    "staff.add_case_note",
    "staff.suspend_signal",
    "staff.restore_signal",
    "staff.review_signal",
    "staff.withdraw_signal",
    "staff.unlock_case",
    "staff.assisted_submission",
    "staff.view_disputes",
    "staff.raise_dispute",
}
_REVIEW = {
    "staff.view_dashboard",
    "staff.view_cases",
    "staff.assign_case",
    "staff.add_case_note",
    "staff.suspend_signal",
    "staff.restore_signal",
    "staff.review_signal",
    "staff.view_disputes",
    "staff.raise_dispute",
    "staff.decide_dispute",
}
_MEMBERS = {
    "staff.view_dashboard",
    "staff.view_members",
    "staff.manage_members",
    "staff.manage_credentials",
    "staff.reset_portal_user",
    "staff.view_keys",
}
# Auditors read everything and change nothing.
_AUDIT = {
    "staff.view_dashboard",
    "staff.view_cases",
    "staff.export_cases",
    "staff.view_disputes",
    "staff.view_members",
    "staff.view_keys",
    "audit.view_auditentry",
    "audit.export_auditentry",
}

ROLES: dict[str, frozenset[str]] = {
    CASEWORKER: frozenset(_CASEWORK),
    DISPUTE_REVIEWER: frozenset(_REVIEW),
    MEMBER_MANAGER: frozenset(_MEMBERS),
    AUDITOR: frozenset(_AUDIT),
    ADMINISTRATOR: frozenset(
        _CASEWORK
        | _REVIEW
        | _MEMBERS
        | _AUDIT
        | {
            "staff.manage_staff",
            "staff.export_case_hashes",
            "staff.manage_helpline",
            "staff.manage_federation",
        }
    ),
}


def sync_groups() -> None:
    """Make the groups match ROLES (migration 0002 does this once; tests whose database is
    flushed and operators who changed ROLES call it again)."""
    from django.contrib.auth.models import Group, Permission

    for role, names in ROLES.items():
        group, _ = Group.objects.get_or_create(name=role)
        perms = [
            Permission.objects.get(content_type__app_label=label, codename=codename)
            for label, codename in (name.split(".") for name in sorted(names))
        ]
        group.permissions.set(perms)
