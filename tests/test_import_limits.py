"""Files that once cost a worker gigabytes, or said too little: bad rows by the million, giant lines, unknown
columns, and encodings read without a word. Memory stays bounded, the report too, and the preview says what it read."""

import io
import json
import tracemalloc
import zlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from tests.conftest import job_of, preview_url
from tracker.columns import REQUEST_COLUMNS
from tracker.intake import decoding
from tracker.intake.engine import PROBLEMS_IN_FULL, run_import
from tracker.intake.reading import ImportFailed
from tracker.models import ArmsRequest, ImportRun

pytestmark = pytest.mark.django_db
DATA = Path(__file__).parent / "data"
UPLOAD = reverse("admin:tracker_importrun_upload")
HEADER = ",".join(REQUEST_COLUMNS) + "\n"
OURS = (DATA / "our_requests.csv").read_bytes()
CLASSIC = (DATA / "sipri_classic.csv").read_bytes()  # Latin-1: "Côte d'Ivoire"


def upload(client, content, name="register.csv", **options):
    file = SimpleUploadedFile(name, content, content_type="text/csv")
    return client.post(UPLOAD, {"file": file, "kind": "requests", **options})


def preview(client, response):
    """The preview page of an upload, once its check (a job) has run."""
    job = job_of(response)
    assert job.state == "done", job.error
    return client.get(preview_url(job.import_run)).content.decode()


def refused(client, response):
    """The job page of an upload whose check refused the file."""
    job = job_of(response)
    assert job.state == "failed", job.summary
    return client.get(job.get_absolute_url()).content.decode()


# ------------------------------------------------------------- memory and the report


def peak_of_dry_run(rows):
    """Peak Python memory of a dry run of a file of `rows` bad rows (one record_uid for all, as reported)."""
    data = (HEADER + "1,a\n" * rows).encode()
    tracemalloc.start()
    outcome = run_import("requests", data, "bad.csv", dry_run=True, skip_invalid=True)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return outcome, peak


def test_a_file_of_bad_rows_costs_the_same_memory_at_five_times_the_rows(monkeypatch):
    # 1,050,000 such rows (4 MB) took a worker to +596 MB: every row held, in the report and the rejects.
    monkeypatch.setattr(decoding, "CHUNK", 4096)  # files of many chunks, kept small to be quick
    small, peak_small = peak_of_dry_run(4_000)
    large, peak_large = peak_of_dry_run(20_000)
    assert (small.invalid_rows, large.invalid_rows) == (4_000, 20_000)
    # 16,000 rows more held would be 9 MB more (600 bytes a row); read a chunk and a batch at a time, nothing.
    assert peak_large - peak_small < 500_000, (peak_small, peak_large)
    report = json.dumps(large.run.report)
    assert len(report) < 200_000 and len(large.run.report["problems"]) == PROBLEMS_IN_FULL
    [counted] = large.run.report["more_problems"]  # the rest, counted by reason
    assert counted == {"column": "", "reason": "row has … fields, the header has …", "count": 20_000 - 500}
    # The rejects file keeps every bad row, compressed, outside the report.
    stored = ImportRun.objects.filter(pk=large.run.pk).values_list("rejects", flat=True).get()
    assert zlib.decompress(stored).decode() == HEADER + "1,a\n" * 20_000 and len(stored) < 10_000


def test_the_command_lists_the_first_bad_rows_and_counts_the_rest(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(HEADER + "".join(f"{i},x\n" for i in range(PROBLEMS_IN_FULL + 100)))
    out = io.StringIO()
    call_command("import_requests", str(path), "--dry-run", stdout=out)
    lines = out.getvalue().splitlines()
    assert len([line for line in lines if line.startswith("  bad row:")]) == PROBLEMS_IN_FULL
    assert "  100 more bad row problem(s): row has … fields, the header has …" in lines
    assert lines[0].endswith("read as UTF-8")


def test_a_reason_quoting_a_huge_cell_is_cut_short(editor_client):
    line = OURS.splitlines(keepends=True)[2].replace(b"00000000-0000-4000-8000-000000000001", b"k" * 100_000)
    page = preview(editor_client, upload(editor_client, OURS + line))
    run = ImportRun.objects.get()
    [reason] = [p["reason"] for p in run.report["problems"] if p["column"] == "record_uid" and "kkk" in p["reason"]]
    assert len(reason) < 600 and reason.endswith("… (cut short)") and len(page) < 100_000


@pytest.mark.parametrize("unit", ["x", "a,", ","])
def test_a_giant_line_is_refused_by_its_number_without_reading_it_whole(editor_client, unit):
    content = (HEADER + unit * (2**21 // len(unit)) + "\n").encode()
    page = refused(editor_client, upload(editor_client, content, skip_invalid="on"))
    assert "Line 2 is over 1,048,576 characters long" in page
    assert not ImportRun.objects.exists()


def test_a_file_with_lines_ended_by_cr_alone_says_so():
    content = (HEADER.replace("\n", "\r") + "1,x\r" * 300_000).encode()
    with pytest.raises(ImportFailed, match=r"Line 1 is over .* carriage return alone \(CR\)"):
        run_import("requests", content, "mac.csv", dry_run=True)


def test_a_thousand_rows_of_one_record_uid_are_bad_rows_not_one_request():
    rows = OURS.splitlines(keepends=True)
    content = rows[0] + rows[2] * 1200
    outcome = run_import("requests", content, "x.csv", dry_run=True)
    assert outcome.problems[0].reason == "1,000 rows or more for one record_uid"
    assert outcome.rows == 1200 and outcome.created == 0 and outcome.rejects.count == 2  # the next 200: a duplicate


def test_a_long_run_of_lone_cells_is_rows_not_a_footer():
    content = OURS + b"".join(b"lonely %d\n" % i for i in range(500))
    outcome = run_import("requests", content, "x.csv", dry_run=True)
    # A footer is a few lines: the last few are skipped as one, the rest are bad rows.
    assert outcome.rows - (len(OURS.splitlines()) - 1) > 400 and len(outcome.notes) < 100


# ------------------------------------------------------------- columns


def test_unknown_columns_are_named_in_the_preview(editor_client):
    rows = OURS.decode().splitlines(keepends=True)
    extra = 100_000
    header = rows[0].rstrip("\r\n") + "".join(f",c{i}" for i in range(extra)) + "\n"
    content = header + "".join(row.rstrip("\r\n") + "," * extra + "\n" for row in rows[1:4])
    page = preview(editor_client, upload(editor_client, content.encode()))
    known = len(rows[0].split(","))
    assert (
        f"100,000 of the header&#x27;s {known + extra:,} columns are not ours and are ignored: "
        "&#x27;c0&#x27;, &#x27;c1&#x27;" in page
    )
    assert "… and 99,990 more." in page and "&#x27;c10&#x27;" not in page


def test_a_sipri_header_with_a_column_of_its_own_is_refused_not_misread(editor_client):
    lines = CLASSIC.split(b"\n")
    content = b"\n".join(line + b",Remarks" if line.startswith(b"Recipient,") else line for line in lines)
    page = refused(editor_client, upload(editor_client, content, skip_invalid="on"))  # was a 500: 17 cells
    assert "it has 17 column(s), SIPRI&#x27;s has 16; unknown: &#x27;Remarks&#x27;" in page
    assert not ImportRun.objects.exists() and not ArmsRequest.objects.exists()


# ------------------------------------------------------------- encodings


def test_the_preview_says_which_encoding_was_read_and_why(editor_client):
    offset = CLASSIC.index("ô".encode("latin-1"))
    line = CLASSIC.count(b"\n", 0, offset) + 1
    page = preview(editor_client, upload(editor_client, CLASSIC, skip_invalid="on"))
    assert f"Windows-1252: line {line} is not valid UTF-8 (byte 0xF4 at byte offset {offset:,})" in page
    utf8 = CLASSIC.decode("cp1252").encode()
    page = preview(editor_client, upload(editor_client, utf8, skip_invalid="on"))
    assert '<td id="read-as">UTF-8</td>' in page


def test_a_file_mixing_utf8_and_windows_1252_is_read_with_a_warning():
    content = CLASSIC.replace(b"Transfers", "Transfers é".encode(), 1)  # UTF-8 on line 1, Latin-1 "ô" later
    outcome = run_import("requests", content, "x.csv", dry_run=True)
    assert outcome.encoding == "cp1252"
    assert "; yet line 1 holds UTF-8 text, which Windows-1252 reads as other characters" in outcome.read_as


def test_bytes_windows_1252_leaves_undefined_are_read_as_latin_1():
    content = CLASSIC.replace(b"Including", b"Incl\x81ding")
    outcome = run_import("requests", content, "x.csv", dry_run=True)
    assert outcome.encoding == "latin-1" and "byte 0x81 on line" in outcome.read_as


def test_a_byte_order_mark_before_text_that_is_not_utf8_is_a_clear_refusal(editor_client):
    content = b"\xef\xbb\xbf" + CLASSIC
    offset = content.index("ô".encode("latin-1"))
    line = content.count(b"\n", 0, offset) + 1
    message = refused(editor_client, upload(editor_client, content, skip_invalid="on"))
    assert "No known header" not in message
    assert (
        f"The file starts with a UTF-8 byte-order mark, but line {line} is not valid UTF-8 "
        f"(byte 0xF4 at byte offset {offset:,})"
    ) in message
    assert not ImportRun.objects.exists() and not ArmsRequest.objects.exists()
