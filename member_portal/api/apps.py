from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "member_portal.api"
    label = "api"
    verbose_name = "The pull API for the signed feed"

    def ready(self) -> None:
        from member_portal.api import receivers  # noqa: F401  (connects them)
