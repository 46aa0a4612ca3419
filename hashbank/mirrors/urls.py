from django.urls import path

from hashbank.mirrors import views

urlpatterns = [
    path("<str:origin_id>/checkpoint", views.checkpoint, name="mirror-checkpoint"),
    path("<str:origin_id>/tile/<path:path>", views.tile, name="mirror-tile"),
]
