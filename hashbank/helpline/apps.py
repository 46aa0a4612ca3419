from django.apps import AppConfig


class HelplineConfig(AppConfig):
    name = "hashbank.helpline"
    label = "helpline"
    verbose_name = "The helpline's contact details shown to people on every page"
