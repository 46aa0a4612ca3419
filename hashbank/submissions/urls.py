"""The victim-facing pages and the JSON API they use (see api.py)."""

from django.urls import path

from hashbank.submissions import api, assisted, status, views

urlpatterns = [
    path("", views.home, name="home"),
    path("submit/", views.submit_page, name="submit"),
    path("submit/offline/", views.offline_submit, name="submit-offline"),
    path("submit/assisted/", assisted.entry, name="submit-assisted"),
    path("status/", status.status_page, name="status"),
    path("status/withdraw/", status.status_withdraw, name="status-withdraw"),
    path("status/cancel-withdrawal/", status.status_cancel, name="status-cancel-withdrawal"),
    path("status/close/", status.status_close, name="status-close"),
    path("help/", views.faq, name="faq"),
    path("privacy/", views.privacy, name="privacy"),
    path("about/", views.about, name="about"),
    path("platforms/", views.platforms, name="platforms"),
    path("cover-your-tracks/", views.cover_tracks, name="cover-tracks"),
    path("offline-hasher/", views.offline_hasher, name="offline-hasher"),
    path("offline-hasher/<str:name>", views.offline_hasher_file, name="offline-hasher-file"),
    path("check/", views.possession_check, name="possession-check"),
    path("api/v1/submissions", api.submit, name="api-submissions"),
    path("api/v1/cases/status", api.case_status, name="api-case-status"),
    path("api/v1/cases/withdraw", api.withdraw, name="api-case-withdraw"),
    path("api/v1/possession-checks", api.possession_check, name="api-possession-check"),
    path(
        "api/v1/cases/cancel-withdrawal", api.cancel_withdrawal, name="api-case-cancel-withdrawal"
    ),
]
