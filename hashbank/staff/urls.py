"""The staff console's URL map."""

from django.urls import path

from hashbank.staff.views import (
    accounts,
    assisted_codes,
    audit,
    auth,
    benign,
    case_list,
    cases,
    dashboard,
    dispute_history,
    disputes,
    federation,
    helpline,
    keys,
    members,
    workload,
)

app_name = "staff"
urlpatterns = [
    path("", dashboard.index, name="dashboard"),
    # Sign-in: password, then second factor (enrolment on the first sign-in).
    path("login/", auth.sign_in, name="login"),
    path("login/verify/", auth.verify, name="verify"),
    path("login/enrol/", auth.enrol, name="enrol"),
    path("logout/", auth.sign_out, name="logout"),
    path("password/", auth.change_password, name="password"),
    path("recovery-codes/", auth.recovery_codes, name="recovery_codes"),
    # Cases: the search and the list, "my cases", its CSV; one case; assisted submission.
    path("cases/", case_list.index, name="cases"),
    path("cases/mine/", case_list.mine, name="my_cases"),
    path("cases/export.csv", case_list.export_csv, name="cases_export"),
    path("cases/new/", cases.assisted, name="assisted"),
    path("cases/new/code/", assisted_codes.issue, name="assisted_code"),
    path("cases/<int:case_id>/", cases.detail, name="case"),
    path("cases/<int:case_id>/unlock/", cases.unlock, name="case_unlock"),
    path(
        "cases/<int:case_id>/possession-check/",
        cases.start_possession_check,
        name="case_possession_check",
    ),
    path("cases/<int:case_id>/notes/", cases.add_note, name="case_note"),
    path("cases/<int:case_id>/assign/", case_list.assign, name="case_assign"),
    path("cases/<int:case_id>/withdraw-all/", cases.withdraw_all, name="case_withdraw_all"),
    path(
        "cases/<int:case_id>/expedite-withdrawal/",
        cases.expedite_withdrawal,
        name="case_expedite_withdrawal",
    ),
    path("cases/<int:case_id>/suspend-all/", cases.suspend_all, name="case_suspend_all"),
    path("cases/<int:case_id>/hashes/<int:pk>/suspend/", cases.suspend, name="case_suspend"),
    path("cases/<int:case_id>/hashes/<int:pk>/restore/", cases.restore, name="case_restore"),
    path("cases/<int:case_id>/hashes/<int:pk>/confirm/", cases.confirm, name="case_confirm"),
    path("cases/<int:case_id>/hashes/<int:pk>/unconfirm/", cases.unconfirm, name="case_unconfirm"),
    path("cases/<int:case_id>/hashes/<int:pk>/withdraw/", cases.withdraw, name="case_withdraw"),
    path("cases/<int:case_id>/hashes/<int:pk>/dispute/", cases.raise_dispute, name="case_dispute"),
    path(
        "cases/<int:case_id>/hashes/<int:pk>/removal-proof",
        cases.removal_proof,
        name="case_removal_proof",
    ),
    # Disputes (the review queue).
    path("workload/", workload.index, name="workload"),
    path("review/", disputes.queue, name="review_queue"),
    path("review/forwarded/", disputes.forwards, name="forwards"),
    path("review/decided/", dispute_history.decided, name="review_decided"),
    path("review/<int:pk>/", disputes.detail, name="review_detail"),
    path("review/<int:pk>/uphold/", disputes.uphold, name="review_uphold"),
    path("review/<int:pk>/reject/", disputes.reject, name="review_reject"),
    # The benign list and the hashes held for being near one of it.
    path("held/", benign.held_queue, name="held_queue"),
    path("held/<int:pk>/", benign.decide, name="held_decide"),
    path("benign/", benign.benign_list, name="benign"),
    # Members.
    path("members/", members.index, name="members"),
    path("members/<slug:slug>/", members.detail, name="member"),
    path("members/<slug:slug>/credentials/", members.issue_credential, name="credential_issue"),
    path(
        "members/<slug:slug>/credentials/<int:pk>/revoke/",
        members.revoke_credential,
        name="credential_revoke",
    ),
    path("members/<slug:slug>/invite/", members.invite, name="member_invite"),
    path(
        "members/<slug:slug>/users/<int:pk>/reinvite/",
        members.reinvite,
        name="member_user_reinvite",
    ),
    path(
        "members/<slug:slug>/users/<int:pk>/reset/",
        members.reset_portal_user,
        name="member_user_reset",
    ),
    path("members/<slug:slug>/suspend/", members.suspend, name="member_suspend"),
    path("members/<slug:slug>/reactivate/", members.reactivate, name="member_reactivate"),
    # Keys and staff accounts.
    path("keys/", keys.keys, name="keys"),
    path("accounts/", accounts.index, name="accounts"),
    path(
        "accounts/<int:pk>/reset-second-factor/",
        accounts.reset_second_factor,
        name="account_reset_2fa",
    ),
    path("accounts/<int:pk>/active/", accounts.set_active, name="account_active"),
    # The helpline contact every public page shows.
    path("helpline/", helpline.contact, name="helpline"),
    # Peer banks and the mirrors of their logs (docs/federation.md).
    path("federation/", federation.federation, name="federation"),
    path(
        "federation/peers/<slug:name>/<str:action>",
        federation.peer_action,
        name="federation_peer",
    ),
    # The audit log (the chain itself is hashbank/audit's).
    path("audit/", audit.log, name="audit"),
    path("audit/export.csv", audit.export_csv, name="audit_export"),
    path("audit/verify", audit.verify, name="audit_verify"),
]
