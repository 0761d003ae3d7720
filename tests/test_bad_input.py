"""Bad input is a 4xx with a message that names the field or the line, never a 500 or a half-written database."""

import gzip
import io
import random
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from tests.conftest import job_of
from tracker.intake.engine import run_import
from tracker.intake.reading import ImportFailed
from tracker.middleware import MAX_URL
from tracker.models import ArmsRequest, ImportRun, Source, System

pytestmark = pytest.mark.django_db
DATA = Path(__file__).parent / "data"
UPLOAD = reverse("admin:tracker_importrun_upload")


@pytest.fixture
def editor_client(editor):
    client = Client(raise_request_exception=False)  # a server error is a status here, not an exception
    client.force_login(editor)
    return client


# ------------------------------------------------------------- at the edge


@pytest.mark.parametrize(
    ("path", "where"),
    [
        ("/countries/%00A/", "the path"),
        ("/systems/su%0030/", "the path"),
        ("/requests/?q=%00", "the query parameter 'q'"),
        ("/requests/?q=ok&supplier=RU%00", "the query parameter 'supplier'"),
        ("/requests/?a%00b=1", "the query parameter 'a%00b'"),
        ("/admin/tracker/armsrequest/?status=%00", "the query parameter 'status'"),
        ("/admin/tracker/source/?reliability__exact=%00", "the query parameter 'reliability__exact'"),
        (
            "/admin/autocomplete/?term=%00&app_label=tracker&model_name=citation&field_name=source",
            "the query parameter 'term'",
        ),
        ("/admin/tracker/country/%00/change/", "the path"),
    ],
)
def test_a_nul_anywhere_in_the_address_is_a_400_that_says_where(editor_client, path, where):
    response = editor_client.get(path)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert f"{where} contains a NUL character" in response.content.decode()


def test_a_nul_in_a_form_field_or_a_file_name_is_a_400(editor_client):
    url = reverse("admin:tracker_system_add")
    response = editor_client.post(url, {"designation": "X\x00", "slug": "x", "equipment_type": 1})
    assert response.status_code == 400 and "the form field 'designation'" in response.content.decode()
    assert not System.objects.exists()
    # A NUL in a file name: refused here, or dropped by Django's parser first; never stored (PostgreSQL would fail).
    upload = SimpleUploadedFile("a\x00b.csv", (DATA / "our_requests.csv").read_bytes())
    response = editor_client.post(UPLOAD, {"file": upload, "kind": "requests", "skip_invalid": "on"})
    assert response.status_code < 500
    if response.status_code == 302:
        assert job_of(response).state == "done"
    assert not any("\x00" in name for name in ImportRun.objects.values_list("file_name", flat=True))


def test_an_address_over_the_limit_is_a_414(client):
    response = client.get("/requests/", {"q": "x" * MAX_URL})
    assert response.status_code == 414 and "characters long" in response.content.decode()
    assert client.get("/requests/", {"q": "x" * 150}).status_code == 200


@pytest.mark.parametrize("page", ["change", "delete"])
def test_an_empty_to_field_is_a_400_not_a_lookup_of_a_field_named_nothing(editor_client, page):
    response = editor_client.get(f"/admin/tracker/equipmenttype/1/{page}/?_to_field=")
    assert response.status_code == 400 and "'_to_field' is empty" in response.content.decode()


def test_an_import_run_named_by_anything_but_a_number_is_not_found(editor_client):
    assert editor_client.get("/admin/tracker/importrun/abc/change/").status_code == 404
    assert editor_client.get("/admin/tracker/importrun/9" * 30 + "/change/").status_code == 404


# ------------------------------------------------------------- import files

OURS = (DATA / "our_requests.csv").read_text().splitlines(keepends=True)


def with_line_3(text):
    """Our requests sample with its third line replaced."""
    return "".join([*OURS[:2], text, *OURS[3:]]).encode()


def zipped():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
    return buffer.getvalue()


BIG = 200_000
UNREADABLE = {
    "unterminated quote": (
        with_line_3(OURS[2].replace("restoring Su-30MK2 jets", '"restoring Su-30MK2 jets')),
        "Line 3: a quoted field opens on this line and is never closed",
    ),
    "field over 128 KB": (
        with_line_3(OURS[2].replace("restoring Su-30MK2 jets", "x" * BIG)),
        "Line 3, field 15 ('description'): a cell longer than 131,072 characters",
    ),
    "NUL byte": (with_line_3(OURS[2].replace("jets", "je\x00ts")), "Line 3 holds a NUL byte"),
    "carriage return in a cell": (with_line_3(OURS[2].replace("jets", "je\rts")), "Line 3: a carriage return"),
    "text after a closing quote": (
        with_line_3(OURS[2].replace("restoring Su-30MK2 jets", '"restoring" Su-30MK2')),
        "Line 3, field 15 ('description'): text follows the closing quote",
    ),
    "gzip renamed .csv": (gzip.compress("".join(OURS).encode()), "not a text CSV file: it looks like gzip"),
    "workbook renamed .csv": (zipped(), "not a text CSV file: it looks like a zip archive or an Excel"),
    "random bytes": (random.Random(1).randbytes(4000), "This is not a text CSV file: it holds binary data"),
    "random bytes, no NUL": (
        bytes(b for b in random.Random(2).randbytes(6000) if b),
        "This is not a text CSV file: it holds binary data",
    ),
    "NUL in the header": (b"request_id,rec\x00ord_uid\n", "Line 1 holds a NUL byte"),
}


@pytest.mark.parametrize("case", UNREADABLE)
def test_an_unreadable_file_is_refused_whole_by_the_engine(case):
    content, message = UNREADABLE[case]
    with pytest.raises(ImportFailed, match=message.replace("(", r"\(").replace(")", r"\)")):
        run_import("requests", content, "x.csv", skip_invalid=True)
    assert not ImportRun.objects.exists() and not ArmsRequest.objects.exists()


@pytest.mark.parametrize("case", UNREADABLE)
def test_an_unreadable_upload_fails_its_check_naming_the_line(editor_client, case):
    content, message = UNREADABLE[case]
    file = SimpleUploadedFile("register.csv", content, content_type="text/csv")
    job = job_of(editor_client.post(UPLOAD, {"file": file, "kind": "requests", "skip_invalid": "on"}))
    assert job.state == "failed" and message in job.error
    page = editor_client.get(job.get_absolute_url()).content.decode()
    assert message.replace("'", "&#x27;").replace('"', "&quot;") in page
    assert not ImportRun.objects.exists() and not ArmsRequest.objects.exists()


@pytest.mark.parametrize("case", ["unterminated quote", "field over 128 KB", "NUL byte", "gzip renamed .csv"])
def test_the_command_refuses_an_unreadable_file_and_says_where(tmp_path, case):
    content, message = UNREADABLE[case]
    path = tmp_path / "r.csv"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        call_command("import_requests", str(path), "--skip-invalid", stdout=io.StringIO())
    assert not ImportRun.objects.exists() and not ArmsRequest.objects.exists()


def test_utf16_with_a_byte_order_mark_is_read():
    outcome = run_import("requests", "".join(OURS).encode("utf-16"), "x.csv", dry_run=True)
    assert outcome.rows == len(OURS) - 1 and outcome.encoding == "utf-16"


def test_an_apply_of_a_bad_file_is_refused_without_a_trace(tmp_path):
    # A quote left open at the last row: nothing of the rows before it is kept either.
    content = "".join([*OURS, '999,"never closed\n']).encode()
    with pytest.raises(ImportFailed, match=f"Line {len(OURS) + 1}: a quoted field"):
        run_import("requests", content, "x.csv", skip_invalid=True, publish=True)
    assert not ArmsRequest.objects.exists() and not Source.objects.exists()
