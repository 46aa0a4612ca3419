"""Audit actions in words. The log stores each action as a language-neutral code (`case.unlocked`)
that never changes and that filters, exports and the chain hash use; the console shows the words
in the reader's language, with the code alongside for anyone who filters by it."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ACTION_WORDS = {
    "audit.exported": _("Audit log exported"),
    "auth.locked_out": _("Locked out after failed sign-ins"),
    "auth.password_changed": _("Password changed"),
    "auth.recovery_codes_replaced": _("Recovery codes replaced"),
    "auth.second_factor_enrolled": _("Authenticator set up"),
    "auth.second_factor_failed": _("Wrong second-factor code"),
    "auth.sign_in": _("Signed in"),
    "auth.sign_in_failed": _("Failed sign-in"),
    "auth.sign_out": _("Signed out"),
    "benign.added": _("Added to the benign list"),
    "case.assigned": _("Case assigned"),
    "case.assisted_code_issued": _("Assisted code issued"),
    "case.assisted_code_used": _("Assisted code used"),
    "case.held_published": _("Held hash decided"),
    "case.list_exported": _("Case list exported"),
    "case.note_added": _("Note added"),
    "case.possession_check_started": _("Possession check started"),
    "case.removal_proof_downloaded": _("Removal proof downloaded"),
    "case.signal_confirmed": _("Hash confirmed"),
    "case.signal_restored": _("Hash restored"),
    "case.signal_suspended": _("Hash suspended"),
    "case.signal_withdrawn": _("Hash withdrawn"),
    "case.submitted": _("Case submitted"),
    "case.unlocked": _("Case unlocked"),
    "case.withdrawal_expedited": _("Withdrawal made to take effect now"),
    "credential.issued": _("Credential issued"),
    "credential.revoked": _("Credential revoked"),
    "dispute.raised": _("Dispute raised"),
    "dispute.rejected": _("Dispute rejected"),
    "dispute.upheld": _("Dispute upheld"),
    "dispute.uphold_approved": _("Upholding approved"),
    "helpline.update_contact": _("Helpline contact changed"),
    "key.created": _("Signing key created"),
    "key.retired": _("Signing key retired"),
    "key.rotated": _("Signing key rotated"),
    "member.created": _("Member onboarded"),
    "member.named_publicly": _("Member named publicly"),
    "member.reactivated": _("Member reactivated"),
    "member.receipt_key_registered": _("Receipt key registered"),
    "member.receipt_key_revoked": _("Receipt key revoked"),
    "member.suspended": _("Member suspended"),
    "member.user_invited": _("Portal user invited"),
    "member.user_reinvited": _("Portal user re-invited"),
    "member.user_reset": _("Portal user reset"),
    "mirror.frozen": _("Peer mirror frozen"),
    "peer.added": _("Peer bank added"),
    "peer.root_accepted": _("Peer root document accepted"),
    "staff.second_factor_reset": _("Second factor reset"),
    "staff.user_activated": _("Staff account reactivated"),
    "staff.user_created": _("Staff account created"),
    "staff.user_deactivated": _("Staff account deactivated"),
    "witness.key_created": _("Witness key created"),
    "witness.key_removed": _("Witness key removed"),
    "witness.log_added": _("Witnessed log added"),
    "witness.log_removed": _("Witnessed log removed"),
}


def action_words(code: str) -> str:
    """The action in the reader's language; an action without words shows its code."""
    words = ACTION_WORDS.get(code)
    return str(words) if words is not None else ""
