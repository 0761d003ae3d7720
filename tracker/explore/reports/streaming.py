"""Streaming CSV downloads: lines written as rows come, a byte-order mark, a file name that says what was filtered."""

import contextlib
import csv
import datetime
import logging
import re
import unicodedata

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.http import StreamingHttpResponse
from django.urls import reverse

from .cells import neutralise

CHUNK = 2000
LINES_PER_WRITE = 500
logger = logging.getLogger(__name__)

BOM = "\ufeff"  # Excel reads the file as UTF-8 only with it; pandas and csv readers skip it


class Echo:
    """A file-like object whose write() hands the line back, for csv.writer."""

    def write(self, value):
        return value


# Python 3.11's csv.writer quotes a cell holding a character of its line terminator, and no other
# line break: with "\n" alone, a cell holding a CR went out bare and split its row. So the writer
# ends lines with CRLF (quoting both) and write_line() swaps that for the "\n" COPY writes.
WRITER = csv.writer(Echo(), lineterminator="\r\n")


def write_line(row):
    return WRITER.writerow(row)[:-2] + "\n"


def csv_lines(rows, neutralised=False):
    """CSV text of rows of Python values, neutralised here unless the query did it already."""
    # A few hundred rows per write: one per row would cost more in the server than the CSV itself.
    for chunk in chunks(rows, size=LINES_PER_WRITE):
        if neutralised:
            yield "".join(map(write_line, chunk))
        else:
            yield "".join(write_line([neutralise(cell) for cell in row]) for row in chunk)


def csv_download(filename, header, body):
    """The BOM and header line (neutralised too: the matrix's is made of country names), then body as it comes."""
    response = StreamingHttpResponse(whole_file(filename, header, body), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def whole_file(filename, header, body):
    """The header line, then the body; a failure after the header is logged and raised again.

    Raised, the server cuts the connection without the last chunk, so the client sees a broken
    download instead of a short file that looks complete. A generator, so that the response's
    close() closes it and the report's transaction ends even when the client leaves halfway.
    """
    yield BOM + write_line([neutralise(name) for name in header])
    try:
        yield from body
    except Exception:
        logger.exception("CSV download %s failed after its first line; the connection is cut", filename)
        raise


def stream_csv(filename, header, rows):
    return csv_download(filename, header, csv_lines(rows))


FILE_NAME_LABELS = {"date_from": "from", "date_to": "to"}  # the rest: the parameter, "_" as "-"


def filename_for(kind, filterset):
    """requests_requester-RU_from-2020_2026-11-24.csv: each filter given, with its values as typed (not as read:
    a typed 2020 stays 2020), made safe for a file name, then the day it was downloaded."""
    data, parts = filterset.data, []
    for name in filterset.filters:
        if name == "sort" or not filterset.form.cleaned_data.get(name):
            continue
        typed = data.getlist(name) if hasattr(data, "getlist") else [data.get(name)]
        value = "+".join(safe_name(v) for v in typed if safe_name(v))
        label = FILE_NAME_LABELS.get(name, name.replace("_", "-"))
        parts.append(f"{label}-{value}" if value else label)  # a value in another script leaves its name
    filters = "_".join(parts)[:100].strip("_-+.")
    return "_".join(p for p in [kind, filters, datetime.date.today().isoformat()] if p) + ".csv"


def safe_name(value):
    """A typed value in a file name: accents dropped (Côte → Cote), lists joined by +, anything else a -."""
    ascii_text = unicodedata.normalize("NFKD", str(value or "")).encode("ascii", "ignore").decode()
    ascii_text = re.sub(r"\s*[,;]\s*", "+", ascii_text.strip())
    return re.sub(r"[^A-Za-z0-9+.-]+", "-", ascii_text).strip("-+.")


FLUSH = object()  # in rows given to chunks(): end the chunk here, whatever its size


def chunks(rows, size=None):
    """Lists of up to `size` (default CHUNK) rows from an iterator, read as they come; FLUSH ends one early."""
    size, chunk = size or CHUNK, []
    for row in rows:
        if row is FLUSH:
            if chunk:
                yield chunk
            chunk = []
        else:
            chunk.append(row)
            if len(chunk) == size:
                yield chunk
                chunk = []
    if chunk:
        yield chunk


def detail_url(base_url, name):
    """'https://host/requests/{}/' once, instead of reverse() for every row."""
    return base_url + reverse(name, args=[0]).replace("/0/", "/{}/")


@contextlib.contextmanager
def report_transaction(using=DEFAULT_DB_ALIAS):
    """One read-only snapshot for a whole report (two queries), which blocks no writer.

    PostgreSQL: repeatable read, read only. Inside a transaction its server-side cursors
    are also not WITH HOLD, so rows come as the server finds them instead of after it has
    stored them all. SQLite: a deferred transaction whatever OPTIONS' transaction_mode says
    (IMMEDIATE, the write lock, for writes): in WAL mode its first read fixes the snapshot,
    and writers commit meanwhile without waiting for the download. Inside a transaction
    already (a test), a savepoint.
    """
    connection = connections[using]  # the request's reader: a replica, or the primary
    fresh = not connection.in_atomic_block
    with contextlib.ExitStack() as stack:
        if fresh and connection.vendor == "sqlite":
            with begin_deferred(connection):
                stack.enter_context(transaction.atomic(using=using))
        else:
            stack.enter_context(transaction.atomic(using=using))
        if fresh and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                cursor.execute("SET LOCAL jit = off")  # compiling costs more than it saves on these plans
        yield


@contextlib.contextmanager
def begin_deferred(connection):
    """SQLite: the transaction begun inside is BEGIN DEFERRED; the connection's mode is restored after BEGIN."""
    connection.ensure_connection()  # connecting sets transaction_mode from OPTIONS
    mode, connection.transaction_mode = connection.transaction_mode, "DEFERRED"
    try:
        yield
    finally:
        connection.transaction_mode = mode


def in_report_transaction(body, using=DEFAULT_DB_ALIAS):
    with report_transaction(using):
        yield from body
