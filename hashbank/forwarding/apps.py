from django.apps import AppConfig


class ForwardingConfig(AppConfig):
    name = "hashbank.forwarding"
    label = "forwarding"
    verbose_name = "Match reports and disputes forwarded to the origin bank"

    def ready(self) -> None:
        from hashbank.forwarding import embedded, receivers, services  # noqa: F401  (connects)

        # The embedded default retries and polls from a thread of the server (docs/peer-api.md).
        embedded.start_if_serving(services.run_due)
