"""Keyset pages: walking them, forward or back, gives exactly the filtered rows in their order."""

import datetime
import itertools

import pytest
from django.utils import timezone

from tracker.explore import pagination, views
from tracker.explore.filters import DEPLOYMENT_SORTS, REQUEST_SORTS, DeploymentFilter, RequestFilter
from tracker.models import ArmsRequest, Citation, Country, Deployment, Source

pytestmark = pytest.mark.django_db

# Few values, so that names, statuses and dates tie, and a third of the dates are NULL.
DATES = [None, datetime.date(2024, 1, 1), datetime.date(2024, 1, 1), datetime.date(2025, 6, 1), None]
STATUSES = ["requested", "agreed", "refused"]


@pytest.fixture
def rows(db):
    countries = list(Country.objects.filter(iso2__in=["VE", "RU", "CN", "IR"]))
    source = Source.objects.create(outlet="Wire", title="Report")
    requests, deployments = [], []
    for i, (a, b) in enumerate(itertools.islice(itertools.cycle(itertools.permutations(countries, 2)), 37)):
        date = DATES[i % len(DATES)]
        requests.append(
            ArmsRequest(
                requester=a,
                supplier=b,
                date=date,
                date_precision="day" if date else "",
                status=STATUSES[i % len(STATUSES)],
                summary=f"request {i}",
                published=i % 9 != 4,  # a few drafts, which no page may show
                published_at=timezone.now(),  # for all: a draft keeps the time it was first published
            )
        )
        deployments.append(
            Deployment(
                country=a,
                description=f"deployment {i}",
                start_date=date,
                start_precision="day" if date else "",
                status=["announced", "active", "ended"][i % 3],
                published=True,
                published_at=timezone.now(),
            )
        )
    ArmsRequest.objects.bulk_create(requests)
    Deployment.objects.bulk_create(deployments)
    Citation.objects.bulk_create(
        [Citation(source=source, request=r) for r in ArmsRequest.objects.all()]
        + [Citation(source=source, deployment=d) for d in Deployment.objects.all()]
    )


LISTS = [
    ("/requests/", RequestFilter, ArmsRequest, REQUEST_SORTS),
    ("/deployments/", DeploymentFilter, Deployment, DEPLOYMENT_SORTS),
]
CASES = [(path, f, m, sort) for path, f, m, sorts in LISTS for sort in sorts]


def expected(filterset_class, model, params):
    filterset = filterset_class(params, queryset=model.objects.published())
    assert filterset.is_valid()
    return [row.pk for row in filterset.qs]


def walk(client, path, params, direction, cursor=None):
    """The pages met following Next (or Previous) links from the first (or the given) page."""
    pages = []
    while True:
        response = client.get(path, {**params, **({direction: cursor} if cursor else {})})
        assert response.status_code == 200, response.context["errors"]
        pages.append(response.context["page"])
        cursor = pages[-1].next_cursor if direction == "after" else pages[-1].previous_cursor
        if not cursor:
            return pages


def ids(pages):
    return [[row.pk for row in page] for page in pages]


@pytest.mark.parametrize(("path", "filterset_class", "model", "sort"), CASES, ids=[f"{c[0]}{c[3]}" for c in CASES])
@pytest.mark.parametrize("per_page", [1, 4, 50])
def test_walking_every_page_gives_the_filtered_rows_in_order(
    client, rows, monkeypatch, path, filterset_class, model, sort, per_page
):
    monkeypatch.setattr(views, "PER_PAGE", per_page)
    params = {"sort": sort}
    everything = expected(filterset_class, model, params)
    forward = walk(client, path, params, "after")
    assert [pk for page in ids(forward) for pk in page] == everything
    assert all(len(page) == per_page for page in forward[:-1])
    assert not forward[0].has_previous and not forward[-1].has_next
    # Back from the last page by Previous links: the same pages, in reverse.
    if len(forward) > 1:
        back = walk(client, path, params, "before", forward[-1].previous_cursor)
        assert ids(back) == ids(forward[-2::-1])
        assert not back[-1].has_previous and all(page.has_next for page in back)


def test_filtered_walk_keeps_the_filter(client, rows, monkeypatch):
    monkeypatch.setattr(views, "PER_PAGE", 2)
    params = {"sort": "requester", "supplier": "RU,CN", "date_from": "2024"}
    forward = walk(client, "/requests/", params, "after")
    assert [pk for page in ids(forward) for pk in page] == expected(RequestFilter, ArmsRequest, params)


def test_paginate_directly_both_ways_from_every_row(rows):
    """From every row, the next rows and the previous rows are the neighbours in list(queryset)."""
    for sort, (_, keys) in REQUEST_SORTS.items():
        queryset = ArmsRequest.objects.published().select_related("requester", "supplier")
        everything = list(queryset.order_by(*pagination.ordering(keys)))
        for i, row in enumerate(everything):
            cursor = pagination.encode(keys, row, sort)
            after = pagination.paginate(queryset, keys, sort, 3, after=cursor)
            assert after.object_list == everything[i + 1 : i + 4], (sort, i)
            assert after.has_next == (i + 4 < len(everything)) and after.has_previous
            before = pagination.paginate(queryset, keys, sort, 3, before=cursor)
            assert before.object_list == everything[max(i - 3, 0) : i], (sort, i)
            assert before.has_previous == (i > 3)


def test_an_empty_cursor_is_the_first_page(client, rows):
    assert client.get("/requests/", {"after": "", "before": "", "page": "1"}).status_code == 200


def test_altered_or_foreign_cursors_are_refused(client, rows):
    keys = REQUEST_SORTS["-date"][1]
    row = ArmsRequest.objects.published().first()
    good = pagination.encode(keys, row, "-date")
    payload, signature = good.split(".")
    for bad in [
        "x",
        good + "x",
        payload[:-2] + "AA." + signature,
        "." + signature,
        "é" * 30,
        "a" * 3000,
        pagination.signer().sign_object(["-date", ["2024-13-01", 1]]),
        pagination.signer().sign_object(["-date", ["2024-01-01", 2**70]]),
        pagination.signer().sign_object(["-date", ["2024-01-01", True]]),
        pagination.signer().sign_object(["-date", ["2024-01-01"]]),
        pagination.signer().sign_object(["-date", [1, 1]]),
        pagination.signer().sign_object(["-date", [None, None]]),
        pagination.signer().sign_object({"sort": "-date"}),
    ]:
        response = client.get("/requests/", {"after": bad})
        assert response.status_code == 400, bad
        name, message = response.context["errors"][0]
        assert name == "after" and ("not a cursor from this site" in message or "too long" in message)
    response = client.get("/requests/", {"before": good, "sort": "date"})
    assert response.status_code == 400 and "another sort order" in response.context["errors"][0][1]
    name_cursor = pagination.signer().sign_object(["requester", ["x\x00", None, 1]])
    assert client.get("/requests/", {"after": name_cursor, "sort": "requester"}).status_code == 400
