from django.apps import AppConfig


class PeersConfig(AppConfig):
    name = "hashbank.peers"
    label = "peers"
    verbose_name = "Peer banks whose logs this bank mirrors"

    def ready(self) -> None:
        from hashbank.peers import receivers  # noqa: F401  (connects them)
