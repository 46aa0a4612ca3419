from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "hashbank.core"
    label = "core"
    verbose_name = "Health, errors, security headers and logs"

    def ready(self) -> None:
        # Make the project's Celery app the current one in every Django process.
        from hashbank import celery  # noqa: F401
