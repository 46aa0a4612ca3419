from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "hashbank.cases"
    label = "cases"
    verbose_name = "Cases"
