from django.apps import AppConfig


class WitnessConfig(AppConfig):
    name = "hashbank.witness"
    label = "witness"
    verbose_name = "The witness the bank runs for its peers"
