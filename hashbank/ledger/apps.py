from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "hashbank.ledger"
    label = "ledger"
    verbose_name = "The append-only ledger"
