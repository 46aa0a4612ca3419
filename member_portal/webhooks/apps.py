from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "member_portal.webhooks"
    label = "webhooks"
    verbose_name = "Signed new-checkpoint notifications to members"
