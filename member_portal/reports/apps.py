from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "member_portal.reports"
    label = "reports"
    verbose_name = "Match reports sent by members"
