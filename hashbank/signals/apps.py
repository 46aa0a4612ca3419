from django.apps import AppConfig


class SignalsConfig(AppConfig):
    name = "hashbank.signals"
    label = "signals"
    verbose_name = "Signals"
