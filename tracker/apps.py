from django.apps import AppConfig


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = "Arms Request Tracker"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The admin lives in tracker/curation/, not tracker/admin.py where autodiscovery looks.
        from . import curation  # noqa: F401
        from .evidence import capture, sweep  # noqa: F401 - job kinds and the capture-on-save signals
        from .models import indexing, publishing
        from .releases import build  # noqa: F401 - the release job kind

        indexing.connect_signals()
        publishing.connect_signals()
