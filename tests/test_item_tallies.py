"""The matrix, its CSV and the network of one equipment type or one system, read from the item tallies.

Their counts are compared with live ones after random writes in tests/test_tallies.py.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tracker.models import RequestItem, System

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "query", ["type=uav", "type=uav&status=delivered&country=RU", "system=shahed-136&supplier=RU", "type=radar-sensor"]
)
def test_the_matrix_of_one_type_or_system_reads_only_tallies(client, make_request, types, query):
    """At a million requests the live count of one type took a second; the item tallies answer it."""
    request = make_request(published=True)
    shahed = System.objects.create(designation="Shahed-136", slug="shahed-136", equipment_type=types["uav"])
    RequestItem.objects.create(request=request, equipment_type=types["uav"], system=shahed, description="drones")
    with CaptureQueriesContext(connection) as ctx:
        for path in (f"/matrix/?{query}", f"/matrix/network.json?{query}", f"/matrix.csv?{query}"):
            response = client.get(path)
            assert response.status_code == 200, path
            b"".join(getattr(response, "streaming_content", [b""]))
    read = [q["sql"].split(" FROM ", 1)[1] for q in ctx.captured_queries if " FROM " in q["sql"]]
    records = ('"tracker_armsrequest"', '"tracker_requestitem"')  # the form's country names are read apart
    assert not [sql for sql in read if sql.startswith(records)]
    assert client.get("/matrix/?type=uav").context["matrix"].total == 1


@pytest.mark.parametrize(
    ("query", "tally"),
    [
        ("system=shahed-136", "systemtally"),
        ("system=shahed-136&precision=month", "systemtally"),
        ("type=radar-sensor", "typeperiodtally"),
        ("type=radar-sensor&precision=month", "typeperiodtally"),
    ],
)
def test_the_timeline_of_one_type_or_system_reads_only_tallies(client, make_request, types, query, tally):
    """SystemTally (as on the system's own page) and TypePeriodTally count a request once per system or type."""
    request = make_request(published=True)
    make_request(published=True)  # drones of no system: not on this timeline
    shahed = System.objects.create(designation="Shahed-136", slug="shahed-136", equipment_type=types["uav"])
    RequestItem.objects.create(request=request, equipment_type=types["uav"], system=shahed, description="more")
    RequestItem.objects.create(request=request, equipment_type=types["uav"], system=shahed, description="again")
    for _ in range(2):  # two radars, one request
        RequestItem.objects.create(request=request, equipment_type=types["radar-sensor"], description="radar")
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(f"/requests/summary/?{query}")
    assert response.status_code == 200
    read = [q["sql"].split(" FROM ", 1)[1] for q in ctx.captured_queries if " FROM " in q["sql"]]
    assert [sql for sql in read if sql.startswith(f'"tracker_{tally}"')]
    assert not [sql for sql in read if sql.startswith(('"tracker_armsrequest"', '"tracker_requestitem"'))]
    assert response.context["count"] == 1
