from django.apps import AppConfig


class MirrorsConfig(AppConfig):
    name = "hashbank.mirrors"
    label = "mirrors"
    verbose_name = "Verified copies of peer banks' logs"

    def ready(self) -> None:
        # The embedded default (`make run`: runserver, tasks in-process) syncs mirrors from a
        # thread of the server process; production uses beat (docs/federation.md).
        from hashbank.mirrors import embedded, services

        embedded.start_if_serving(services.sync_all, services.sync_origins)
