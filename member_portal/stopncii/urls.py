from django.urls import path

from member_portal.stopncii import views

urlpatterns = [
    path("FetchHashes", views.FetchHashesView.as_view(), name="stopncii-fetch-hashes"),
    path("SubmitFeedback", views.SubmitFeedbackView.as_view(), name="stopncii-submit-feedback"),
    path(
        "origins/<str:origin_id>/FetchHashes",
        views.OriginFetchHashesView.as_view(),
        name="stopncii-origin-fetch-hashes",
    ),
    path(
        "origins/<str:origin_id>/SubmitFeedback",
        views.OriginSubmitFeedbackView.as_view(),
        name="stopncii-origin-submit-feedback",
    ),
]
