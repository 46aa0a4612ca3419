"""The peer API, under /peer/v1/ (docs/peer-api.md)."""

from django.urls import path

from member_portal.reports import peer_views

urlpatterns = [
    path("reports", peer_views.PeerReportsView.as_view(), name="peer-reports"),
    path("disputes", peer_views.PeerDisputesView.as_view(), name="peer-disputes"),
    path("nudge", peer_views.PeerNudgeView.as_view(), name="peer-nudge"),
    path("disputes/<str:forward_id>", peer_views.PeerDisputeView.as_view(), name="peer-dispute"),
]
