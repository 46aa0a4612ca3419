from django.urls import path

from member_portal.webhooks import views

urlpatterns = [
    path("", views.webhooks, name="portal-webhooks"),
    path("<int:endpoint_id>/remove", views.remove, name="portal-webhook-remove"),
]
