from django.apps import AppConfig


class PeersConfig(AppConfig):
    name = "hashbank.peers"
    label = "peers"
    verbose_name = "Peer banks whose logs this bank mirrors"
