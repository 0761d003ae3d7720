from tracker.models import ImportKind

from .import_requests import Command as ImportRequests


class Command(ImportRequests):
    help = "Import deployments from our deployments CSV (the columns of /deployments.csv)."
    kind = ImportKind.DEPLOYMENTS
