"""The URL map: every page and endpoint is one hop from here."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from hashbank.core import views as core_views
from hashbank.ledger import views as ledger_views
from hashbank.mirrors import views as mirror_views
from hashbank.witness import views as witness_views

handler404 = "hashbank.core.views.not_found"
# The 500 page is the victim pages' (branded, with the quick exit); under /api/ it is core's JSON.
handler500 = "hashbank.submissions.views.server_error"

urlpatterns = [
    # The victim-facing pages and their JSON API first: the submission is the busiest request, and
    # Django tries these patterns in order.
    path("", include("hashbank.submissions.urls")),
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("i18n/", include("django.conf.urls.i18n")),
    # The log as C2SP tlog-tiles, public (nginx serves the same files in production).
    path("log/<path:path>", ledger_views.log_file, name="log-file"),
    # Member platforms: the pull API, reports and disputes, the StopNCII-compatible facade, the portal.
    path("api/v1/", include("member_portal.api.urls")),
    path("api/v1/", include("member_portal.reports.urls")),
    path("api/stopncii/v1/", include("member_portal.stopncii.urls")),
    path("portal/", include("member_portal.portal.urls")),
    # Peers: the witness the bank runs for them, and what to find where (docs/witness.md).
    path("witness/", include("hashbank.witness.urls")),
    path(".well-known/hashbank", witness_views.discovery, name="discovery"),
    # Peer banks that mirror our log forward their members' reports and disputes (docs/peer-api.md).
    path("peer/v1/", include("member_portal.reports.peer_urls")),
    # Federation: peers' logs as this bank mirrors them, and equivocation evidence
    # (docs/federation.md).
    path("mirror/", include("hashbank.mirrors.urls")),
    path("federation/evidence", mirror_views.evidence, name="federation-evidence"),
    # Helpline staff.
    path("staff/", include("hashbank.staff.urls")),
]
# Django's admin only where asked for (DEBUG, or HASHBANK_DJANGO_ADMIN): not a door in production.
if settings.HASHBANK_DJANGO_ADMIN:
    urlpatterns.append(path("django-admin/", admin.site.urls))
