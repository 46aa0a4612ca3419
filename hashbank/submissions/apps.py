from django.apps import AppConfig


class SubmissionsConfig(AppConfig):
    name = "hashbank.submissions"
    label = "submissions"
    verbose_name = "The victim-facing pages and the submission API"
