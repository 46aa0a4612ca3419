from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "hashbank.ledger"
    label = "ledger"
    verbose_name = "The append-only ledger"

    def ready(self) -> None:
        from hashbank.ledger import receivers  # noqa: F401  (connects them)
