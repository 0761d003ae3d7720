"""Uncertainty kept as data: estimated dates and quantities, deliveries by year; refused, shown, filtered."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from tracker.models import ArmsRequest, Delivery, RequestItem, deliveries_text, parse_deliveries

pytestmark = pytest.mark.django_db


def refused(constraint_name, write):
    with pytest.raises(IntegrityError) as excinfo, transaction.atomic():
        write()
    message = str(excinfo.value)
    if "UNIQUE" not in message:  # SQLite names CHECK constraints only; PostgreSQL names all
        assert constraint_name in message, message


@pytest.fixture
def item(make_request):
    return make_request(published=True).items.get()


def deliver(item, *rows):
    for year, quantity, estimated in rows:
        Delivery.objects.create(item=item, year=year, quantity=quantity, estimated=estimated)


# ------------------------------------------------------------ the database


def test_an_estimate_of_nothing_is_refused(item):
    items = RequestItem.objects.filter(pk=item.pk)
    refused("item_asked_estimate_has_value", lambda: items.update(quantity_requested_estimated=True))
    refused("item_delivered_estimate_has_value", lambda: items.update(quantity_delivered_estimated=True))
    request = ArmsRequest.objects.filter(pk=item.request_id)
    refused("request_date_estimate_has_date", lambda: request.update(date=None, date_precision="", date_estimated=True))
    items.update(quantity_requested=400, quantity_requested_estimated=True, quantity_delivered=300)
    items.update(quantity_delivered_estimated=True)
    request.update(date_estimated=True)


@pytest.mark.parametrize(
    ("fields", "constraint"),
    [
        ({"year": 1899}, "delivery_year_in_range"),
        ({"year": 2101}, "delivery_year_in_range"),
        ({"year": 1998, "quantity": -1}, "delivery_quantity_not_negative"),
    ],
)
def test_delivery_invariants(item, fields, constraint):
    refused(constraint, lambda: Delivery.objects.create(item=item, **fields))


def test_one_delivery_per_item_and_year(item):
    deliver(item, (1998, 20, False))
    refused("delivery_one_per_item_and_year", lambda: deliver(item, (1998, 5, True)))
    with pytest.raises(ValidationError, match="One delivery per item and year"):
        Delivery(item=item, year=1998, quantity=5).full_clean()
    with pytest.raises(ValidationError, match="cannot be an estimate"):
        RequestItem(
            request=item.request, equipment_type=item.equipment_type, description="x", quantity_requested_estimated=True
        ).full_clean()


def test_deliveries_are_written_and_read_in_one_notation():
    text = "1999: 40; 1998: 20?, 2000\n2001: ?, 2002: 1,200"
    parsed, errors = parse_deliveries(text)
    assert errors == []
    assert parsed == [(1998, 20, True), (1999, 40, False), (2000, None, False), (2001, None, True), (2002, 1200, False)]
    assert deliveries_text(parsed) == "1998: 20?; 1999: 40; 2000; 2001: ?; 2002: 1200"
    assert parse_deliveries(deliveries_text(parsed))[0] == parsed
    assert parse_deliveries("") == ([], [])
    _, errors = parse_deliveries("1998: 20; 1998: 5; 1850: 3; 98: 1; 1999: -4; 2000: lots")
    assert len(errors) == 5
    assert "1998 is given twice" in errors[0] and "1850 is not a year" in errors[1]
    assert "'98: 1' is not a delivery" in errors[2]


# ------------------------------------------------------------------ pages


def test_estimates_are_marked_next_to_their_value(client, item):
    RequestItem.objects.filter(pk=item.pk).update(
        quantity_requested=400, quantity_requested_estimated=True, quantity_delivered=150
    )
    ArmsRequest.objects.filter(pk=item.request_id).update(date=datetime.date(1998, 1, 1), date_precision="year")
    ArmsRequest.objects.filter(pk=item.request_id).update(date_estimated=True)
    deliver(item, (1998, 100, True), (1999, 50, False), (2000, None, True), (2001, None, False))
    page = client.get(item.request.get_absolute_url()).content.decode()
    mark = '<span class="estimate" title="An estimate (SIPRI&#x27;s ?), not a counted figure">≈{}'
    assert mark.format("400") in page  # asked: an estimate
    assert '<td class="num" data-label="Delivered">150</td>' in page  # delivered: counted
    assert "(known to the year, an estimate)" in page and 'title="An estimated date' in page
    deliveries = page[page.index('<table class="deliveries">') : page.index("</table>", page.index("deliveries"))]
    assert "<td>1998</td>" in deliveries and mark.format("100") in deliveries
    assert '<td>1999</td><td class="num">50</td>' in deliveries
    assert "<td>2000</td>" in deliveries and "≈ number not reported" in deliveries
    assert '<td>2001</td><td class="num">—</td>' in deliveries
    assert "marks an estimate" in page
    listing = client.get("/requests/").content.decode()
    assert mark.format("400") + '<span class="visually-hidden"> (estimate)</span></span> ×' in listing
    assert 'title="An estimated date' in listing


def test_counted_values_carry_no_mark(client, item):
    RequestItem.objects.filter(pk=item.pk).update(quantity_requested=12)
    deliver(item, (2025, 12, False))
    page = client.get(item.request.get_absolute_url()).content.decode()
    assert 'class="estimate" title' not in page and '<td class="num" data-label="Asked">12</td>' in page
    assert 'class="estimate" title' not in client.get("/requests/").content.decode()


# ---------------------------------------------------------------- filters


@pytest.fixture
def delivered(make_request):
    """Three published requests: delivered 1998 and 1999; delivered 1990 and 2005; nothing recorded."""
    a = make_request(published=True, supplier="RU", summary="a")
    deliver(a.items.get(), (1998, 10, False), (1999, None, True))
    b = make_request(published=True, supplier="CN", summary="b")
    deliver(b.items.get(), (1990, 5, False), (2005, 5, False))
    c = make_request(published=True, supplier="IR", summary="c")
    return a, b, c


def listed(client, query):
    response = client.get(f"/requests/?{query}")
    assert response.status_code == 200, response.content
    return {r.summary for r in response.context["page"].object_list}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"a", "b", "c"}),
        ("delivered_in=1998", {"a"}),
        ("delivered_in=1999", {"a"}),
        ("delivered_in=2005", {"b"}),
        ("delivered_in=2000", set()),
        ("delivered_from=1998&delivered_to=2000", {"a"}),  # b delivered before and after, never between
        ("delivered_from=2000", {"b"}),
        ("delivered_to=1995", {"b"}),
        ("delivered_from=1990&delivered_to=2005&supplier=CN", {"b"}),
        ("delivered_from=&delivered_to=", {"a", "b", "c"}),  # what an untouched form sends
    ],
)
def test_filter_by_delivery_year(client, delivered, query, expected):
    assert listed(client, query) == expected


@pytest.mark.parametrize(
    "value", ["abc", "98", "1899", "2101", "1998.5", "1998-01", "%EF%BC%91%EF%BC%99%EF%BC%99%EF%BC%98"]
)
@pytest.mark.parametrize("param", ["delivered_in", "delivered_from", "delivered_to"])
@pytest.mark.parametrize("path", ["/requests/", "/requests.csv", "/matrix/", "/matrix.csv", "/requests/summary/"])
def test_a_bad_delivery_year_is_a_400_naming_the_box(client, delivered, path, param, value):
    response = client.get(f"{path}?{param}={value}")
    assert response.status_code == 400
    label = {"delivered_in": "Delivered in", "delivered_from": "Delivered from", "delivered_to": "Delivered up to"}
    assert f"{label[param]}</strong>" in response.content.decode()  # the label on screen, not the parameter


def test_csv_and_matrix_answer_the_same_delivery_filter(client, delivered):
    response = client.get("/requests.csv?delivered_in=1998")
    assert "requests_delivered-in-1998_" in response["Content-Disposition"]
    raw = b"".join(response.streaming_content).decode("utf-8-sig")
    assert [line.split(",")[0] for line in raw.splitlines()[1:]] == [str(delivered[0].pk)]
    matrix = client.get("/matrix/?delivered_from=1990&delivered_to=1990").context["matrix"]
    assert matrix.total == 1


# ----------------------------------------------------------- query counts


def count(client, path):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/requests/", 6),  # as with no deliveries (tests/test_explorer_pages.py): the list reads none
        ("/requests/?delivered_from=1990&delivered_to=2000", 6),
        ("/requests/summary/?delivered_in=1998", 1),  # the timeline (one GROUP BY); the count is its sum
    ],
)
def test_query_counts_with_deliveries_do_not_grow(client, delivered, make_request, path, expected):
    before = count(client, path)
    for i in range(10):
        deliver(make_request(published=True, summary=f"more {i}").items.get(), (1995, i, True), (1998, 1, False))
    assert before == count(client, path) == expected


def test_the_request_page_reads_deliveries_in_one_query(client, make_request, types):
    request = make_request(published=True)
    url = request.get_absolute_url()
    client.get(url)  # warms the content types reversion reads once per process
    before = count(client, url)
    for n in range(5):
        extra = RequestItem.objects.create(request=request, equipment_type=types["ship"], description=f"boat {n}")
        deliver(extra, (2000 + n, n, n % 2 == 0), (2010, None, False))
    # the request, its items, their deliveries, its citations, their sources' evidence (kept.with_kept_copies),
    # its published versions (record_versions), the releases it is in (ReleaseSpan)
    assert count(client, url) == before == 7
