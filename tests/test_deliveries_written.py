"""Estimates and deliveries written by every path: the importer (our CSV, planned records), the admin, a revert."""

import csv
import datetime
import io
import re

import pytest
from django.db import connection
from django.urls import reverse

from tests.conftest import revisions
from tests.test_trust import change_url, form_data
from tracker.intake.engine import run_import
from tracker.intake.planned import Planned
from tracker.intake.writing import Writer
from tracker.models import (
    ArmsRequest,
    Country,
    Delivery,
    EquipmentType,
    ImportKind,
    ImportRun,
    ImportState,
    RequestItem,
)

pytestmark = pytest.mark.django_db


def exported(client, query=""):
    return b"".join(client.get(f"/requests.csv{query}").streaming_content)


def rows_of(raw):
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


def with_cells(raw, **cells):
    """The exported file with some cells of every item row replaced."""
    rows = rows_of(raw)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    for row in rows:
        writer.writerow(row | cells)
    return out.getvalue().encode()


def deliveries_of(request):
    return list(Delivery.objects.filter(item__request=request).values_list("year", "quantity", "estimated"))


@pytest.fixture
def estimated_request(make_request):
    request = make_request(published=True)
    ArmsRequest.objects.filter(pk=request.pk).update(
        date=datetime.date(1998, 1, 1), date_precision="year", date_estimated=True
    )
    item = request.items.get()
    RequestItem.objects.filter(pk=item.pk).update(
        quantity_requested=400, quantity_requested_estimated=True, quantity_delivered=60
    )
    Delivery.objects.create(item=item, year=1998, quantity=20, estimated=True)
    Delivery.objects.create(item=item, year=1999, quantity=40)
    Delivery.objects.create(item=item, year=2000)
    return request


# ---------------------------------------------------------------- our CSV


def test_the_csv_says_which_value_is_an_estimate_and_round_trips(client, estimated_request):
    raw = exported(client)
    (row,) = rows_of(raw)
    assert (row["date"], row["date_precision"], row["date_estimated"]) == ("1998", "year", "yes")
    assert (row["quantity_asked"], row["quantity_asked_estimated"]) == ("400", "yes")
    assert (row["quantity_delivered"], row["quantity_delivered_estimated"]) == ("60", "no")
    assert row["deliveries"] == "1998: 20?; 1999: 40; 2000"
    header = raw.decode("utf-8-sig").splitlines()[0].split(",")
    assert header.index("date_estimated") == header.index("date_precision") + 1
    assert header.index("quantity_asked_estimated") == header.index("quantity_asked") + 1
    assert header.index("quantity_delivered_estimated") == header.index("quantity_delivered") + 1

    # Re-importing the export changes nothing.
    outcome = run_import("requests", raw, "export.csv")
    assert (outcome.created, outcome.updated, outcome.unchanged, outcome.problems) == (0, 0, 1, [])

    # Into an empty database, everything comes back as it was.
    before = deliveries_of(estimated_request)
    ArmsRequest.objects.all().delete()
    assert run_import("requests", raw, "export.csv", publish=True).created == 1
    back = ArmsRequest.objects.get()
    assert back.date_estimated and deliveries_of(back) == before
    item = back.items.get()
    assert (item.quantity_requested_estimated, item.quantity_delivered_estimated) == (True, False)
    # The same row but for what is the new record's own: its id, address and times.
    own = {"request_id": "", "url": "", "first_published": "", "last_changed": ""}
    assert rows_of(exported(client))[0] | own == row | own
    assert run_import("requests", raw, "export.csv").unchanged == 1


def test_a_changed_delivery_updates_the_record_and_its_history(client, estimated_request, admin_user):
    raw = with_cells(exported(client), deliveries="1998: 25; 1999: 40?")
    dry = run_import("requests", raw, "edited.csv", dry_run=True)
    assert (dry.created, dry.updated, dry.unchanged) == (0, 1, 0)
    assert run_import("requests", raw, "edited.csv", user=admin_user).updated == 1
    assert deliveries_of(estimated_request) == [(1998, 25, False), (1999, 40, True)]
    latest = revisions(estimated_request)[0]
    versions = latest.version_set.filter(content_type__model="delivery")
    assert sorted(v.object_repr for v in versions) == ["1998: 25", "1999: 40?"]
    assert run_import("requests", raw, "edited.csv").unchanged == 1
    # A flag changed alone is a change too.
    raw = with_cells(raw, quantity_asked_estimated="no")
    assert run_import("requests", raw, "edited.csv").updated == 1
    assert not RequestItem.objects.get(request=estimated_request).quantity_requested_estimated


@pytest.mark.parametrize(
    ("cells", "column", "reason"),
    [
        ({"deliveries": "1998: 20; 1998: 4"}, "deliveries", "given twice"),
        ({"deliveries": "around 1998"}, "deliveries", "is not a delivery"),
        ({"deliveries": "1776: 3"}, "deliveries", "not a year"),
        ({"quantity_asked": "", "quantity_delivered": ""}, "quantity_asked_estimated", "value it qualifies is empty"),
        ({"date": "", "date_precision": ""}, "date_estimated", "value it qualifies is empty"),
    ],
)
def test_bad_estimate_or_delivery_cells_are_named(client, estimated_request, cells, column, reason):
    outcome = run_import("requests", with_cells(exported(client), **cells), "bad.csv")
    assert not outcome.applied
    assert any(p.column == column and reason in p.reason for p in outcome.problems), outcome.problems


def test_files_without_the_new_columns_still_import(client, estimated_request):
    old = [c for c in rows_of(exported(client))[0] if c.endswith("_estimated") or c == "deliveries"]
    rows = rows_of(exported(client))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=[c for c in rows[0] if c not in old], extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    outcome = run_import("requests", out.getvalue().encode(), "old.csv")
    # An older export says nothing of estimates or deliveries: the record now says the same.
    assert (outcome.updated, outcome.problems) == (1, [])
    assert deliveries_of(estimated_request) == []
    assert not ArmsRequest.objects.get(pk=estimated_request.pk).date_estimated


# ------------------------------------------------- planned records (the contract)


class Plan:
    """The little of an Importer that the Writer reads."""

    file_format = "sipri-current"

    def __init__(self):
        self.types = {t.slug: t for t in EquipmentType.objects.all()}
        self.sources = {}


def planned(deliveries, **item):
    countries = {c.iso2: c for c in Country.objects.filter(iso2__in=["IN", "RU"])}
    return Planned(
        key=("external_id", "sipri:deal:1"),
        lines=[1],
        raws=[""],
        fields={
            "requester": countries["IN"],
            "supplier": countries["RU"],
            "date": datetime.date(1998, 1, 1),
            "date_precision": "year",
            "date_estimated": True,
            "status": "partly_delivered",
            "summary": "India ordered about 400 PJ-10 BrahMos from Russia",
        },
        items=[
            {
                "equipment_type": EquipmentType.objects.get(slug="missile"),
                "system": "PJ-10 BrahMos",
                "description": "anti-ship missile",
                "help_kind": "supply",
                "hedged": False,
                "quantity_requested": 400,
                "quantity_requested_estimated": True,
                "quantity_delivered": 60,
                "deliveries": deliveries,
                **item,
            }
        ],
    )


def write(records, write=True):
    run = ImportRun.objects.create(
        file_name="register.csv", kind=ImportKind.REQUESTS, file_format="sipri-current", state=ImportState.APPLIED
    )
    writer = Writer(ImportKind.REQUESTS, Plan(), run, False, None)
    writer.process(records, write=write)
    return writer.created, writer.updated, writer.unchanged


def test_the_writer_stores_what_the_formats_plan():
    deliveries = [(1999, 40, False), (1998, 20, True)]
    assert write([planned(deliveries)]) == (1, 0, 0)
    request = ArmsRequest.objects.get(external_id="sipri:deal:1")
    assert request.date_estimated
    item = request.items.get()
    assert (item.quantity_requested, item.quantity_requested_estimated, item.quantity_delivered_estimated) == (
        400,
        True,
        False,
    )
    assert deliveries_of(request) == [(1998, 20, True), (1999, 40, False)]
    assert {v.object_repr for v in revisions(request)[0].version_set.filter(content_type__model="delivery")} == {
        "1998: 20?",
        "1999: 40",
    }
    # The same plan again changes nothing; other deliveries replace the item and its deliveries.
    assert write([planned(list(reversed(deliveries)))]) == (0, 0, 1)
    assert write([planned([(1998, 20, True)])], write=False) == (0, 1, 0)
    assert deliveries_of(request) == [(1998, 20, True), (1999, 40, False)]  # a dry run writes nothing
    assert write([planned([(1998, 20, True), (2001, None, True)])]) == (0, 1, 0)
    assert deliveries_of(request) == [(1998, 20, True), (2001, None, True)]
    assert Delivery.objects.count() == 2


def test_planned_items_without_the_keys_mean_no_estimate_and_no_deliveries():
    record = planned([])
    del record.fields["date_estimated"]
    for key in ("quantity_requested_estimated", "deliveries"):
        del record.items[0][key]
    assert write([record]) == (1, 0, 0)
    request = ArmsRequest.objects.get()
    assert not request.date_estimated and not request.items.get().quantity_requested_estimated
    assert deliveries_of(request) == []
    # An estimate flag on an empty value is no estimate: nothing to call one.
    assert write([planned([], quantity_requested=None)]) == (0, 1, 0)
    assert not request.items.get().quantity_requested_estimated


# ------------------------------------------------------------------ admin


def test_deliveries_are_typed_on_the_item_row_and_saved_with_the_request(editor_client, estimated_request):
    url = change_url(estimated_request)
    data = form_data(editor_client.get(url))
    assert data["items-0-deliveries"] == "1998: 20?; 1999: 40; 2000"
    data["items-0-deliveries"] = "1998: 20?, 1999: 41, 2002: ?"
    assert editor_client.post(url, data | {"change_reason": "SIPRI 2024"}).status_code == 302
    assert deliveries_of(estimated_request) == [(1998, 20, True), (1999, 41, False), (2002, None, True)]
    latest = revisions(estimated_request)[0]
    assert "Deliveries by year" in latest.get_comment()
    assert sorted(v.object_repr for v in latest.version_set.filter(content_type__model="delivery")) == [
        "1998: 20?",
        "1999: 41",
        "2002: ?",
    ]
    data = form_data(editor_client.get(url))
    data["items-0-deliveries"] = "1999: 4; 1999: 5"
    page = editor_client.post(url, data)
    assert page.status_code == 200 and "1999 is given twice" in page.content.decode()


def test_a_colleagues_delivery_change_makes_a_form_stale(editor_client, estimated_request):
    url = change_url(estimated_request)
    data = form_data(editor_client.get(url))
    Delivery.objects.filter(item__request=estimated_request, year=1999).update(quantity=45)
    refused = editor_client.post(url, data | {"summary": "changed"})
    message = " ".join(refused.context["adminform"].form.non_field_errors())
    assert "deliveries (1998: 20?; 1999: 40; 2000 → 1998: 20?; 1999: 45; 2000)" in message


def test_revert_restores_the_deliveries_the_public_saw(client, editor_client, estimated_request):
    public = estimated_request.get_absolute_url()
    url = change_url(estimated_request)
    assert editor_client.post(url, form_data(editor_client.get(url)) | {"change_reason": "baseline"}).status_code == 302
    seen = client.get(public).content.decode()
    baseline = revisions(estimated_request)[0]
    data = form_data(editor_client.get(url)) | {"items-0-deliveries": "1998: 21; 2003: 7"}
    assert editor_client.post(url, data).status_code == 302
    assert deliveries_of(estimated_request) == [(1998, 21, False), (2003, 7, False)]
    version = baseline.version_set.get(object_id=str(estimated_request.pk), content_type__model="armsrequest")
    revert = reverse("admin:tracker_armsrequest_revision", args=[estimated_request.pk, version.pk])
    assert editor_client.post(revert, form_data(editor_client.get(revert))).status_code == 302
    assert deliveries_of(estimated_request) == [(1998, 20, True), (1999, 40, False), (2000, None, False)]
    # The page the public saw, but for its "Last changed" and version (and citation): a revert is a change.
    changed = re.compile(r"<div><dt>(Last changed|Version)</dt>.*?</div>|<section class=\"cite\".*?</section>", re.S)
    assert changed.sub("", client.get(public).content.decode()) == changed.sub("", seen)


def test_an_items_own_page_edits_its_deliveries_in_a_revision_of_the_request(editor_client, estimated_request):
    item = estimated_request.items.get()
    page = editor_client.get(change_url(item))
    assert page.status_code == 200
    assert [f.instance.year for f in page.context["inline_admin_formsets"][0].formset.forms[:3]] == [1998, 1999, 2000]
    data = form_data(page) | {"deliveries-1-quantity": "44", "deliveries-1-estimated": "on"}
    assert editor_client.post(change_url(item), data).status_code == 302
    assert deliveries_of(estimated_request)[1] == (1999, 44, True)
    latest = revisions(estimated_request)[0]
    assert latest.version_set.filter(content_type__model="delivery", object_repr="1999: 44?").exists()


def test_the_search_index_survives_the_migration_that_rebuilt_the_table(make_request):
    """SQLite rebuilds tracker_armsrequest for the new column; the full-text triggers must come back."""
    request = make_request(published=True, summary="Quetzalcoatl radars")
    assert list(ArmsRequest.objects.matching("quetzalcoatl")) == [request]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'tracker_armsrequest'")
            assert {name for (name,) in cursor.fetchall() if "_fts_" in name} == {
                f"tracker_armsrequest_fts_{event}" for event in ("insert", "delete", "update")
            }


def test_a_viewer_reads_the_deliveries_and_can_change_none(viewer_client, estimated_request):
    page = viewer_client.get(change_url(estimated_request))
    assert page.status_code == 200 and "1998: 20?; 1999: 40; 2000" in page.content.decode()
    item = estimated_request.items.get()
    page = viewer_client.get(change_url(item))
    assert page.status_code == 200 and "1999: 40" in page.content.decode()
    data = {"deliveries-TOTAL_FORMS": "1", "deliveries-INITIAL_FORMS": "0", "deliveries-0-year": "2003"}
    assert viewer_client.post(change_url(item), data).status_code == 403
    assert Delivery.objects.filter(item=item).count() == 3


def test_the_add_page_ignores_a_key_in_its_query_string_that_names_no_row(editor_client, countries):
    # Found by tests/test_fuzz_urls.py: ?requester=: crashed the requester's autocomplete widget.
    assert editor_client.get("/admin/tracker/armsrequest/add/?requester=:&supplier=x").status_code == 200
    page = editor_client.get(f"/admin/tracker/armsrequest/add/?requester={countries['VE'].pk}")
    assert page.context["adminform"].form.initial["requester"] == str(countries["VE"].pk)
