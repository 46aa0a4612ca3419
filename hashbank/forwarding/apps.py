from django.apps import AppConfig


class ForwardingConfig(AppConfig):
    name = "hashbank.forwarding"
    label = "forwarding"
    verbose_name = "Match reports and disputes forwarded to the origin bank"

    def ready(self) -> None:
        from hashbank.forwarding import receivers  # noqa: F401  (connects them)
