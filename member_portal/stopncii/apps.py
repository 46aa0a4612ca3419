from django.apps import AppConfig


class StopnciiConfig(AppConfig):
    name = "member_portal.stopncii"
    label = "stopncii"
    verbose_name = "A StopNCII-compatible facade for stock HMA"
