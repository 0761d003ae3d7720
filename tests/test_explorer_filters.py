"""Every filter of /requests/ and /deployments/, on whichever database the suite runs on."""

import pytest

from tests.explorer_data import build

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(db):
    return build()


def shown(client, query, path="/requests/"):
    response = client.get(path + query)
    assert response.status_code == 200, response.context.get("errors")
    return [r.external_id.removeprefix("test:") if r.external_id else r.pk for r in response.context["page"]]


def shown_deployments(client, query, data):
    names = {d.pk: name for name, d in data[1].items()}
    response = client.get("/deployments/" + query)
    assert response.status_code == 200, response.context.get("errors")
    return [names[d.pk] for d in response.context["page"]]


def test_only_published_and_cited_records_are_listed(client, data):
    assert shown(client, "") == ["ve_ru_jets", "ve_ir_drones", "ve_cn_coop", "cu_ru_sam", "by_ru_undated"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?requester=VE", {"ve_ru_jets", "ve_ir_drones", "ve_cn_coop"}),
        ("?requester=ve", {"ve_ru_jets", "ve_ir_drones", "ve_cn_coop"}),
        ("?supplier=RU", {"ve_ru_jets", "cu_ru_sam", "by_ru_undated"}),
        ("?supplier=RU&supplier=CN", {"ve_ru_jets", "cu_ru_sam", "by_ru_undated", "ve_cn_coop"}),
        ("?supplier=ru,cn", {"ve_ru_jets", "cu_ru_sam", "by_ru_undated", "ve_cn_coop"}),
        ("?country=IR", {"ve_ir_drones"}),
        ("?country=RU&requester=CU", {"cu_ru_sam"}),
        ("?type=uav", {"ve_ir_drones"}),
        ("?type=uav&type=air-defence", {"ve_ir_drones", "cu_ru_sam"}),
        ("?system=su-30mk2", {"ve_ru_jets"}),
        ("?system=SU-30MK2&system=s-400", {"ve_ru_jets", "cu_ru_sam"}),
        ("?status=refused", {"cu_ru_sam"}),
        ("?status=refused&status=agreed", {"cu_ru_sam", "ve_cn_coop"}),
        ("?reliability=B", {"ve_ru_jets", "ve_ir_drones", "cu_ru_sam", "by_ru_undated"}),
        ("?reliability=A", set()),
        ("?reliability=E", {"ve_ru_jets", "ve_ir_drones", "ve_cn_coop", "cu_ru_sam", "by_ru_undated"}),
        ("?q=jets", {"ve_ru_jets"}),
        ("?q=shahed", {"ve_ir_drones"}),
        ("?q=P%C3%A9rez", {"cu_ru_sam"}),
        ("?q=ve_cn_coop+summary", {"ve_cn_coop"}),
        ("?q=nothing-like-this", set()),
    ],
)
def test_request_filters(client, data, query, expected):
    assert set(shown(client, query)) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # Oct 2025 (month) overlaps a range starting mid-October; 2025 (year) overlaps any 2025 range.
        ("?date_from=2025-10-20", {"ve_ru_jets", "ve_ir_drones"}),
        ("?date_from=2025-11-01", {"ve_ir_drones"}),
        ("?date_to=2025-09-30", {"ve_ir_drones", "ve_cn_coop", "cu_ru_sam"}),
        ("?date_from=2025-03-01&date_to=2025-03-31", {"ve_ir_drones"}),
        ("?date_from=2024&date_to=2024", {"ve_cn_coop"}),
        ("?date_from=2024-03-15&date_to=2024-03-15", {"ve_cn_coop"}),
        ("?date_from=2024-03-16&date_to=2024-12", set()),
        ("?date_from=2023-06&date_to=2023-06", {"cu_ru_sam"}),
        ("?date_from=2023-06-30&date_to=2023-07-01", {"cu_ru_sam"}),
    ],
)
def test_date_filters_match_overlapping_periods_and_skip_undated(client, data, query, expected):
    assert set(shown(client, query)) == expected


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("", ["ve_ru_jets", "ve_ir_drones", "ve_cn_coop", "cu_ru_sam", "by_ru_undated"]),
        ("?sort=date", ["cu_ru_sam", "ve_cn_coop", "ve_ir_drones", "ve_ru_jets", "by_ru_undated"]),
        ("?sort=requester", ["by_ru_undated", "cu_ru_sam", "ve_ru_jets", "ve_ir_drones", "ve_cn_coop"]),
        ("?sort=-supplier", ["ve_ru_jets", "cu_ru_sam", "by_ru_undated", "ve_ir_drones", "ve_cn_coop"]),
        ("?sort=status", ["ve_cn_coop", "ve_ir_drones", "cu_ru_sam", "ve_ru_jets", "by_ru_undated"]),
    ],
)
def test_sorting(client, data, sort, expected):
    assert shown(client, sort) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["us_ships", "ru_s400_by", "us_troops"]),
        ("?country=us", ["us_ships", "us_troops"]),
        ("?host=BY", ["ru_s400_by"]),
        ("?type=ship", ["us_ships"]),
        ("?system=s-400", ["ru_s400_by"]),
        ("?status=ended", ["ru_s400_by"]),
        ("?status=ended&status=active", ["us_ships", "ru_s400_by", "us_troops"]),
        ("?q=troops", ["us_troops"]),
        ("?q=caribbean", ["us_ships", "us_troops"]),
        # Active on a day: started by then (or start unreported but active), not ended before.
        ("?active_on=2025-09-01", ["us_ships", "us_troops"]),
        ("?active_on=2025-07-15", ["us_troops"]),
        ("?active_on=2023-05-01", ["ru_s400_by", "us_troops"]),
        ("?active_on=2024-01-01", ["us_troops"]),
        ("?sort=country", ["ru_s400_by", "us_troops", "us_ships"]),
    ],
)
def test_deployment_filters(client, data, query, expected):
    assert shown_deployments(client, query, data) == expected


def test_multiple_values_and_pagination_keep_filters(client, data, make_request):
    for i in range(55):
        make_request(requester="CU", supplier="CN", published=True, summary=f"bulk {i}")
    response = client.get("/requests/?requester=CU&sort=date")
    page = response.content.decode()
    assert response.context["count"] == 56
    cursor = response.context["page"].next_cursor
    assert f'href="?requester=CU&amp;sort=date&amp;after={cursor}" rel="next"' in page
    second = client.get("/requests/", {"requester": "CU", "sort": "date", "after": cursor})
    assert len(second.context["page"].object_list) == 6
    assert "summary/?requester=CU" in page  # the summary keeps the filters too


def test_an_untouched_form_filters_nothing(client, data):
    empty = "?q=&requester=&supplier=&country=&type=&system=&status=&date_from=&date_to=&reliability=&sort="
    assert shown(client, empty) == shown(client, "")
    empty = "?q=&country=&host=&type=&system=&status=&active_on=&sort="
    assert shown_deployments(client, empty, data) == shown_deployments(client, "", data)
