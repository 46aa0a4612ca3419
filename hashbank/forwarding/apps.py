from django.apps import AppConfig


class ForwardingConfig(AppConfig):
    name = "hashbank.forwarding"
    label = "forwarding"
    verbose_name = "Match reports and disputes forwarded to the origin bank"
