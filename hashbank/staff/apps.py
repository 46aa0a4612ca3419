from django.apps import AppConfig


class StaffConfig(AppConfig):
    name = "hashbank.staff"
    label = "staff"
    verbose_name = "The helpline staff console"

    def ready(self) -> None:
        # Django's admin would otherwise let a staff password alone in: it needs the second
        # factor too (django-otp's admin site asks for the code on its sign-in form).
        from django.contrib import admin
        from django_otp.admin import OTPAdminSite

        admin.site.__class__ = OTPAdminSite
