"""The public pages: content, drafts kept out, query counts pinned, bad input answered."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.explorer_data import build
from tracker.models import ArmsRequest, Deployment

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(db):
    return build()


def queries(client, path):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    assert response.status_code == 200, path
    return len(ctx.captured_queries)


def grow(make_request, make_deployment, n=30):
    for i in range(n):
        make_request(requester="VE", supplier="CN", published=True, summary=f"more {i}")
        make_deployment(country="RU", published=True, description=f"more {i}")


# Queries per page whatever the number of rows (and items, citations) shown. A list page
# reads no system list, no exact count and no timeline (its summary does): countries and
# types for the form, the rows (two queries while the undated rows follow the dated ones
# on the same page), then their items and citations. ?q= reads the first matches first
# (models/search.py, narrowed()).
PAGE_QUERIES = {
    "/": 7,  # every figure from the summary tables (models/tallies.py), the latest requests live
    "/requests/": 6,
    # The countries the form suggests are the rows the country parameters were read from: one query.
    # ?q= reads its first matches first (models/search.narrowed): one more.
    "/requests/?country=VE&type=uav&q=drones&date_from=2020&reliability=C": 8,
    "/matrix/": 5,  # from the summary tables: every country's totals, then the cells shown
    "/matrix/?type=uav": 6,  # the type, then its totals and cells from the item tallies
    "/matrix/?system=su-30mk2": 7,  # the system, its pairs summed per requester and per asked country, the cells
    "/deployments/": 5,
    "/requests/summary/": 1,  # the timeline from the summary tables; the count is its sum
    "/requests/summary/?system=su-30mk2": 2,  # the system, then its timeline from SystemTally
    "/requests/summary/?type=uav": 2,  # the type, then its timeline from TypePeriodTally
    # Filters the summary tables cannot answer: one GROUP BY, the undated included, and the first matches.
    "/requests/summary/?country=VE&type=uav&q=drones&date_from=2020&reliability=C": 4,
    "/deployments/summary/?country=RU": 2,
    "/systems/suggest/?q=su-3": 1,
    "/countries/VE/": 11,
    "/systems/su-30mk2/": 8,  # the first requests' ids, then their rows (leading())
    # Reports run in their own transaction (a savepoint here, inside the test's): its two
    # statements around the queries, one query per part of the report (first rows, the rest).
    "/requests.csv": 4,
    "/deployments.csv": 4,  # the rows, then their citations per 2,000
    "/matrix.csv": 2,
}


@pytest.mark.parametrize("path", PAGE_QUERIES)
def test_query_count_is_pinned_and_does_not_grow_with_rows(client, data, make_request, make_deployment, path):
    expected = PAGE_QUERIES[path]
    if path == "/requests.csv" and connection.vendor == "postgresql":
        expected -= 2  # its two COPY statements go past Django's query log
    before = queries(client, path)
    grow(make_request, make_deployment)
    after = queries(client, path)
    assert before == after == expected, f"{path}: {before} then {after} queries"


# The grown deployments have no start date: their page reads the dated rows, then the undated.
@pytest.mark.parametrize(("path", "expected"), [("/requests/", 6), ("/deployments/", 6)])
def test_a_full_page_counts_up_to_a_cap_and_not_beyond(client, data, make_request, make_deployment, path, expected):
    # More rows than a page: one capped count, and no second (undated) rows query as the dated fill the page.
    grow(make_request, make_deployment, n=60)
    assert queries(client, path) == expected
    counted = [q["sql"] for q in capture(client, path) if "COUNT(" in q["sql"].upper()]
    assert len(counted) == 1 and "LIMIT 1001" in counted[0].upper()


def test_the_count_says_more_than_the_cap(client, data, make_request, make_deployment, monkeypatch):
    from tracker.explore import views

    monkeypatch.setattr(views, "COUNT_CAP", 20)
    grow(make_request, make_deployment, n=60)
    page = client.get("/requests/").content.decode()
    assert "<strong>More than 20</strong> requests match · 50 on this page" in page
    summary = client.get("/requests/summary/")
    assert summary.context["count"] == 65 and "<strong>65</strong> requests match in all" in summary.content.decode()
    assert "More than 20</strong> deployments" in client.get("/deployments/").content.decode()


def capture(client, path):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return ctx.captured_queries


def test_system_suggestions(client, data):
    su30 = {"slug": "su-30mk2", "designation": "Su-30MK2", "manufacturer": ""}
    assert client.get("/systems/suggest/?q=Su-3").json() == [su30]
    assert [s["slug"] for s in client.get("/systems/suggest/?q=s").json()] == ["s-400", "shahed-136", "su-30mk2"]
    assert client.get("/systems/suggest/?q=s-4").json() == [
        {"slug": "s-400", "designation": "S-400", "manufacturer": ""}
    ]
    assert client.get("/systems/suggest/?q=x").json() == []
    assert client.get("/systems/suggest/?q=%F0%9F%92%A5").json() == []
    assert client.get("/systems/suggest/?q=%00%F0%9F%92%A5").status_code == 400  # NULs: tests/test_bad_input.py
    assert client.get("/systems/suggest/").json() == []


def test_the_form_renders_only_the_chosen_systems(client, data):
    page = client.get("/requests/").content.decode()
    assert '<datalist id="system-slugs"></datalist>' in page
    page = client.get("/requests/?system=s-400").content.decode()
    assert '<datalist id="system-slugs"><option value="S-400"></option></datalist>' in page


def test_request_detail_shows_items_persons_and_citations(client, data):
    page = client.get(data[0]["cu_ru_sam"].get_absolute_url()).content.decode()
    assert "Juan Pérez, Defence Minister" in page
    assert 'href="/systems/s-400/"' in page and 'href="/countries/CU/"' in page and 'href="/countries/RU/"' in page
    assert "Jun 2023" in page and "(known to the month)" in page
    assert "B: usually reliable" in page and "2: probably true" in page


def test_drafts_and_uncited_records_stay_out_of_public_pages(client, data):
    requests, deployments = data
    for record in (requests["draft"], requests["uncited"], deployments["draft"]):
        assert client.get(record.get_absolute_url()).status_code == 404
    assert "RS" not in {c.iso2 for c in client.get("/matrix/").context["matrix"].rows}
    csv_text = client.get("/requests.csv").getvalue().decode()
    assert "draft summary" not in csv_text and "uncited summary" not in csv_text


def test_profiles(client, data):
    page = client.get("/countries/ru/")
    assert page.status_code == 200
    assert page.context["was_asked_count"] == 3 and page.context["deployed_count"] == 1
    assert client.get("/countries/BY/").context["hosted_count"] == 1
    system = client.get("/systems/s-400/")
    assert system.context["request_count"] == 1 and system.context["deployment_count"] == 1
    assert client.get("/countries/XX/").status_code == 404
    assert client.get("/countries/Venezuela/").status_code == 404
    assert client.get("/countries/%C2%B2/").status_code == 404
    assert client.get("/systems/no-such-thing/").status_code == 404


def test_matrix_counts_totals_and_cell_links(client, data):
    response = client.get("/matrix/?status=requested&status=refused&status=delivered&status=agreed&status=unknown")
    m = response.context["matrix"]
    grid = {(row.iso2, col.iso2): n for row, cells, _, _ in m.grid() for col, n in cells}
    assert grid[("VE", "RU")] == 1 and grid[("CU", "RU")] == 1 and grid[("VE", "CN")] == 1
    assert m.total == 5 and m.row_totals[m.rows[0].pk] == 3
    page = response.content.decode()
    # A cell keeps the page's filters and adds the pair.
    assert "/requests/?status=requested&amp;status=refused" in page
    assert "requester=VE&amp;supplier=RU" in page


def test_matrix_takes_the_list_filters(client, data):
    m = client.get("/matrix/?type=uav").context["matrix"]
    assert [(r.iso2, c.iso2) for r in m.rows for c in m.columns] == [("VE", "IR")]


def test_timeline_puts_year_only_dates_aside(client, data):
    timeline = client.get("/requests/summary/").context["timeline"]
    assert timeline.by == "month"
    assert [(band.label, band.total) for band in timeline.year_only] == [("2025, month unknown", 1)]
    assert timeline.undated == 1
    months = {(s.start.year, s.start.month): s.total for s in timeline.slots}
    assert months[(2025, 10)] == 1 and months[(2024, 3)] == 1 and months[(2023, 6)] == 1
    assert months[(2024, 1)] == 0  # gaps are shown as empty months
    assert len(timeline.slots) == 36  # Jan 2023 .. Dec 2025: whole years


def test_dates_show_at_their_real_precision(client, data):
    page = client.get("/requests/").content.decode()
    assert ">Oct 2025</time>" in page and ">2025</time>" in page and ">15 Mar 2024</time>" in page
    assert "2025-10-01</time>" not in page and ">date unknown</time>" in page


# ---------------------------------------------------------------- bad input


PAGE_PARAMS = ("page", "after", "before")  # the list pages' own; the matrix and CSV ignore them
# What the pages call each parameter in an error: the label beside its box (a reader never sees `date_from`).
LABELS = {
    **dict.fromkeys(PAGE_PARAMS, "Page"),
    "requester": "Requester",
    "supplier": "Asked country",
    "type": "Equipment type",
    "system": "System",
    "status": "Status",
    "date_from": "From",
    "date_to": "To",
    "reliability": "Sources graded",
    "sort": "Sort",
    "host": "Host country",
    "active_on": "Active on",
}


@pytest.mark.parametrize(
    ("query", "parameter", "message"),
    [
        ("?requester=XX", "requester", "Unknown country code: XX"),
        ("?requester=%C2%B2", "requester", "Unknown country code: ²"),  # a digit to str.isdigit(), not to int()
        ("?supplier=RU&supplier=ZZ", "supplier", "Unknown country code: ZZ"),
        ("?type=lasers", "type", "Unknown equipment type code: lasers"),
        ("?system=death-star", "system", "Unknown system or manufacturer: 'death-star'"),
        ("?status=maybe", "status", "Select a valid choice"),
        ("?date_from=2025-13-01", "date_from", "is not a real date"),
        ("?date_to=yesterday", "date_to", "is not a date"),
        ("?reliability=Z", "reliability", "Select a valid choice"),
        ("?sort=chaos", "sort", "Select a valid choice"),
        ("?page=99", "page", "Pages are no longer numbered"),
        ("?page=abc", "page", "Pages are no longer numbered"),
        ("?after=abc", "after", "is not a cursor from this site"),
        ("?before=WyJkYXRlIixbbnVsbCwxXV0.x", "before", "is not a cursor from this site"),
        ("?after=a&before=b", "before", "not both"),
    ],
)
def test_bad_parameters_are_named_and_nothing_is_listed(client, data, query, parameter, message):
    for path in ("/requests/", "/requests/summary/", "/matrix/"):
        if parameter in PAGE_PARAMS and path != "/requests/":
            continue
        response = client.get(path + query)
        assert response.status_code == 400
        assert (parameter, response.context["errors"][0][1]) == response.context["errors"][0]
        assert message in response.context["errors"][0][1]
        page = response.content.decode()
        assert f"<strong>{LABELS[parameter]}</strong>: " in page and "<code>" not in page  # as the form says
        if path == "/requests/":
            assert not response.context["page"].object_list
    if parameter not in PAGE_PARAMS:
        for path in ("/requests.csv", "/matrix.csv"):
            response = client.get(path + query)
            assert response.status_code == 400
            assert f"<strong>{LABELS[parameter]}</strong>: " in response.content.decode()


@pytest.mark.parametrize(
    ("query", "parameter"),
    [("?host=QQ", "host"), ("?active_on=2025-02-30", "active_on"), ("?status=sunk", "status")],
)
def test_bad_deployment_parameters(client, data, query, parameter):
    for path in ("/deployments/", "/deployments/summary/", "/deployments.csv"):
        response = client.get(path + query)
        assert response.status_code == 400
        assert f"<strong>{LABELS[parameter]}</strong>: " in response.content.decode()


PARAMS = [
    "requester",
    "supplier",
    "country",
    "type",
    "system",
    "status",
    "date_from",
    "date_to",
    "reliability",
    "q",
    "sort",
    "page",
    "after",
    "before",
    "host",
    "active_on",
    "junk",
]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    path=st.sampled_from(
        [
            "/requests/",
            "/requests/summary/",
            "/requests.csv",
            "/matrix/",
            "/matrix.csv",
            "/deployments/",
            "/deployments/summary/",
            "/deployments.csv",
            "/systems/suggest/",
        ]
    ),
    pairs=st.lists(st.tuples(st.sampled_from(PARAMS), st.text(max_size=30)), max_size=6),
)
def test_no_query_string_causes_a_server_error(client, data, path, pairs):
    response = client.get(path, pairs and dict_list(pairs))
    assert response.status_code in (200, 400)
    if hasattr(response, "streaming_content"):
        b"".join(response.streaming_content)


def dict_list(pairs):
    out = {}
    for key, value in pairs:
        out.setdefault(key, []).append(value)
    return out


def test_draft_counts_are_not_leaked_by_the_home_page(client, data):
    response = client.get("/")
    assert response.context["request_count"] == ArmsRequest.objects.published().count() == 5
    assert response.context["deployment_count"] == Deployment.objects.published().count() == 3


def test_the_home_page_lists_the_latest_published_first(client, data, make_request):
    older = make_request(summary="made long ago, published now")
    newer = make_request(summary="made later, published first", published=True)
    ArmsRequest.objects.filter(pk=older.pk).publish()
    latest = list(client.get("/").context["latest_requests"])
    assert latest[:2] == [older, newer]
    assert client.get("/").context["request_count"] == 7  # the summary tables count both at once


def test_a_large_matrix_shows_the_most_active_and_sums_the_others(client, data, monkeypatch):
    from tracker.explore import views

    monkeypatch.setattr(views, "MATRIX_LIMIT", 2)
    m = client.get("/matrix/").context["matrix"]
    assert m.rows[0].iso2 == "VE"  # the most active requester comes first
    assert len(m.rows) == len(m.columns) == 2 and m.hidden_rows == 1 and m.hidden_columns == 1
    shown = sum(n for _, cells, _, _ in m.grid() for _, n in cells)
    row_others = sum(others for _, _, others, _ in m.grid())
    column_others, corner = m.others_row()
    assert shown + row_others + sum(column_others) + corner == m.total == 5
    page = client.get("/matrix/").content.decode()
    assert "1 other requesters" in page and "1 others" in page and "Showing the 2 most active" in page
    # The CSV keeps every row and column.
    csv_rows = b"".join(client.get("/matrix.csv").streaming_content).decode("utf-8-sig").splitlines()
    assert len(csv_rows) == 1 + 3 + 1
