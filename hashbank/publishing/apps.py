from django.apps import AppConfig


class PublishingConfig(AppConfig):
    name = "hashbank.publishing"
    label = "publishing"
    verbose_name = "Publishing what witnesses saw"

    def ready(self) -> None:
        from hashbank.publishing import receivers  # noqa: F401  (connects them)
