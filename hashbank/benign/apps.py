from django.apps import AppConfig


class BenignConfig(AppConfig):
    name = "hashbank.benign"
    label = "benign"
    verbose_name = "Hashes of lawful content: submissions near them wait for a caseworker"
