"""/citations.csv: every citation behind the requests of any filter, one row each (docs/exploring.md, "CSV reports").

The same FilterSet and query string as /requests/ and /requests.csv, so the file holds the sources of exactly
the requests the page lists, in the page's order.
"""

from tracker.models import ArmsRequest

from . import reports
from .filters import RequestFilter
from .views import csv_response


def citation_csv(request):
    return csv_response(request, "citations", RequestFilter, ArmsRequest.objects.published(), reports.citation_report)
