from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "member_portal.members"
    label = "members"
    verbose_name = "Member platforms"
