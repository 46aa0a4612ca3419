from django.urls import path

from member_portal.portal import checklist, views, webhook_pages

urlpatterns = [
    path("", views.dashboard, name="portal-dashboard"),
    path("login/", views.sign_in, name="portal-login"),
    path("logout/", views.sign_out, name="portal-logout"),
    path("invitation/", views.invitation, name="portal-invitation"),
    path("enrol/", views.enrol, name="portal-enrol"),
    path("credentials/", views.credentials, name="portal-credentials"),
    path("credentials/<int:credential_id>/revoke", views.revoke, name="portal-revoke"),
    path("receipt-keys/", views.receipt_keys, name="portal-receipt-keys"),
    path(
        "receipt-keys/<int:key_id>/revoke",
        views.revoke_receipt_key,
        name="portal-revoke-receipt-key",
    ),
    path("reports/", views.reports, name="portal-reports"),
    path("disputes/", views.disputes, name="portal-disputes"),
    path("webhooks/", webhook_pages.webhooks, name="portal-webhooks"),
    path("webhooks/<int:endpoint_id>/remove", webhook_pages.remove, name="portal-webhook-remove"),
    path("first-sync/", checklist.first_sync, name="portal-first-sync"),
    path(
        "first-sync/webhooks/<int:endpoint_id>/test",
        checklist.send_test_webhook,
        name="portal-webhook-test",
    ),
]
