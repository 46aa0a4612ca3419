from django.apps import AppConfig


class DisputesConfig(AppConfig):
    name = "hashbank.disputes"
    label = "disputes"
    verbose_name = "Disputes raised against signals and their review"
