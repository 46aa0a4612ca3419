from django.urls import path

from hashbank.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.log, name="log"),
    path("export.csv", views.export_csv, name="export"),
    path("verify", views.verify, name="verify"),
]
