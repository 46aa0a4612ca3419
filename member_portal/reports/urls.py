from django.urls import path

from member_portal.reports import views

urlpatterns = [
    path("reports", views.MatchReportListView.as_view(), name="api-reports"),
    path("reports/<str:report_id>", views.MatchReportDetailView.as_view(), name="api-report"),
    path("disputes", views.DisputeListView.as_view(), name="api-disputes"),
    path("benign", views.BenignListView.as_view(), name="api-benign"),
    path("disputes/<str:dispute_id>", views.DisputeDetailView.as_view(), name="api-dispute"),
]
