from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "hashbank.audit"
    label = "audit"
    verbose_name = "The hash-chained audit log of staff actions and security events"

    def ready(self) -> None:
        from hashbank.audit import receivers  # noqa: F401 - connects the security-event receivers
