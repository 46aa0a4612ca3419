from django.apps import AppConfig


class StaffConfig(AppConfig):
    name = "hashbank.staff"
    label = "staff"
    verbose_name = "The helpline staff console"
