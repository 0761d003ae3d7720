"""Dates typed as people write them in the curator's forms: "October 2025" is October 2025, not "October 20"."""

import datetime

import pytest

from tests.test_admin import request_form, url
from tracker.dates import NotADate, parse_written
from tracker.models import ArmsRequest, Source

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "text, date, precision",
    [
        ("October 2025", datetime.date(2025, 10, 1), "month"),
        ("Oct 2025", datetime.date(2025, 10, 1), "month"),
        ("Sept. 2025", datetime.date(2025, 9, 1), "month"),
        ("2025-10", datetime.date(2025, 10, 1), "month"),
        ("31 October 2025", datetime.date(2025, 10, 31), "day"),
        ("October 31, 2025", datetime.date(2025, 10, 31), "day"),
        ("2025-10-31", datetime.date(2025, 10, 31), "day"),
        ("2025", datetime.date(2025, 1, 1), "year"),
    ],
)
def test_dates_as_people_write_them(text, date, precision):
    assert parse_written(text) == (date, precision)


@pytest.mark.parametrize("text", ["mid-2023", "summer 2022", "early 2024", "Q3 2023", "last year"])
def test_vaguer_than_a_year_is_refused(text):
    with pytest.raises(NotADate):
        parse_written(text)


def test_a_request_dated_october_2025_in_the_admin(editor_client, countries, types, source):
    data = request_form(countries, types, source, published=False, date="October 2025", date_precision="")
    response = editor_client.post(url(ArmsRequest, "add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    request = ArmsRequest.objects.get()
    assert (request.date, request.date_precision) == (datetime.date(2025, 10, 1), "month")


def test_a_vague_date_is_refused_with_what_is_accepted_and_nothing_saved(editor_client, countries, types, source):
    data = request_form(countries, types, source, published=False, date="mid-2023", date_precision="")
    response = editor_client.post(url(ArmsRequest, "add"), data)
    errors = response.context["adminform"].form.errors["date"]
    assert "“mid-2023”" in errors[0] and "October 2025" in errors[0] and "31 October 2025" in errors[0]
    assert not ArmsRequest.objects.exists()


def test_a_source_published_31_october_2025(editor_client):
    data = {"outlet": "Newsmax", "title": "T", "published_on": "31 October 2025", "kind": "news", "reliability": "C"}
    response = editor_client.post(url(Source, "add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Source.objects.values_list("published_on", "published_precision").get() == (
        datetime.date(2025, 10, 31),
        "day",
    )
