from django.apps import AppConfig


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = "Arms Request Tracker"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import search

        search.connect_signals()
