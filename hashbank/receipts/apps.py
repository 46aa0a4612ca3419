from django.apps import AppConfig


class ReceiptsConfig(AppConfig):
    name = "hashbank.receipts"
    label = "receipts"
    verbose_name = "What each member applied: acknowledgements and signed receipts"

    def ready(self) -> None:
        from hashbank.receipts import receivers  # noqa: F401  (connects them)
