from django.urls import path

from hashbank.witness import views

urlpatterns = [
    path("add-checkpoint", views.add_checkpoint, name="witness-add-checkpoint"),
    path("<str:origin_sha256>/checkpoint", views.checkpoint, name="witness-checkpoint"),
]
