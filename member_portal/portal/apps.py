from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "member_portal.portal"
    label = "portal"
    verbose_name = "The member portal web pages"
