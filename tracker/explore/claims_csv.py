"""/claims.csv: the claims (and the preferred values they dispute) of the requests /requests/ lists, one row per
source's value (explore/claims.py writes the rows). Apart from claims.py, which the record page's view imports."""

from tracker.models import ArmsRequest

from .claims import claim_report
from .filters import RequestFilter
from .views import csv_response


def claims_csv(request):
    return csv_response(request, "claims", RequestFilter, ArmsRequest.objects.published(), claim_report)
