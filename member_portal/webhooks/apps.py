from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "member_portal.webhooks"
    label = "webhooks"
    verbose_name = "Signed new-checkpoint notifications to members"

    def ready(self) -> None:
        from member_portal.webhooks import receivers  # noqa: F401  (connects them)
