"""Admin changelists answer a date lookup no date can satisfy (?date__year=-1, ?created_at__year=0, a
20-digit month, a one-value __range) with the admin's "?e=1" page, never a 500, for editors and viewers.

Django builds dates from those values when the SQL is compiled, past the admin's own checks, and its
date hierarchy adds a year, a month or a day to the one asked for: curation/changelists.py refuses
them first (year and ISO year 1 to 9998, month 1 to 12, day 1 to 31, …).
"""

import pytest
from django.contrib import admin
from django.db.models import DateField
from django.test import Client

pytestmark = pytest.mark.django_db

HUGE = "9223372036854775808"  # 2**63: beyond every integer column and every date
PARTS = ["year", "iso_year", "month", "day", "week", "week_day", "quarter", "hour"]
BAD = ["-1", HUGE, "-" + HUGE, "99999", "abc", "%"]  # 0, bad for a year, is an hour


def changelists():
    """(changelist address, [date fields]) of every model in the admin with a date or time field."""
    found = []
    for model in admin.site._registry:
        dates = [f.name for f in model._meta.concrete_fields if isinstance(f, DateField)]
        if dates:
            found.append((f"/admin/{model._meta.app_label}/{model._meta.model_name}/", dates))
    return found


def curated(path):
    return path.startswith("/admin/tracker/")


@pytest.fixture
def clients(editor, viewer):
    made = {}
    for role, user in (("editor", editor), ("viewer", viewer)):
        made[role] = Client(raise_request_exception=False)
        made[role].force_login(user)
    return made


@pytest.mark.parametrize("role", ["editor", "viewer"])
def test_the_reported_addresses_are_wrong_lookups_not_500s(demo, clients, role):
    client = clients[role]
    for address in (
        "/admin/tracker/armsrequest/?date__year=-1",
        f"/admin/tracker/armsrequest/?date__year={HUGE}",
        "/admin/tracker/deployment/?created_at__year=0",
        "/admin/tracker/importrun/?created_at__year=0",
        f"/admin/tracker/importrun/?created_at__year={HUGE}",  # the date hierarchy's own parameter
        f"/admin/tracker/importrun/?created_at__year=2025&created_at__month={HUGE}",
        "/admin/tracker/source/?published_on__year=9999&published_on__month=12&published_on__day=31",
        "/admin/tracker/armsrequest/?date__range=",
    ):
        response = client.get(address)
        assert response.status_code == 302 and response["Location"].endswith("?e=1"), address


def test_every_date_part_of_every_date_field_with_bad_values(demo, clients):
    """Each model the admin lists, each of its date fields, each date part, each bad value: never a 500."""
    errors, tried = [], 0
    client = clients["editor"]
    for path, fields in changelists():
        for field in fields:
            for part in PARTS:
                for value in BAD:
                    response = client.get(path, {f"{field}__{part}": value})
                    tried += 1
                    if response.status_code >= 500:
                        errors.append((path, f"{field}__{part}={value}"))
                    elif curated(path) and response.status_code != 302:
                        errors.append((response.status_code, path, f"{field}__{part}={value}"))
    assert tried > 500 and errors == [], errors[:20]


def test_good_dates_still_filter(demo, clients):
    client = clients["viewer"]
    for address in (
        "/admin/tracker/armsrequest/?date__year=2025",
        "/admin/tracker/armsrequest/?date__year__gte=1&date__month=12",
        "/admin/tracker/importrun/?created_at__year=2026&created_at__month=1&created_at__day=31",
        "/admin/tracker/source/?published_on__year=9998&published_on__month=12&published_on__day=31",
        "/admin/tracker/deployment/?start_date__isnull=True",
    ):
        assert client.get(address).status_code == 200, address
