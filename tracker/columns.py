"""The columns of our CSV files: what the explorer writes and the importer reads back (a re-import round-trips).

Also the one rule for cells a spreadsheet would run as a formula (OWASP "CSV injection"):
the explorer writes such a cell with a leading apostrophe (guard), the importer takes
it off again (unescape), and the admin's rejects file is guarded the same way.
"""

# A formula starts with one of these: the ASCII signs, their full-width and small forms
# (Excel and LibreOffice read ＝1+1 as =1+1), and the controls that begin a new cell or line.
FORMULA_SIGNS = "=+-@\uff1d\uff0b\uff0d\uff20\ufe66\ufe62\ufe63\ufe6b\t\r\n"
# Skipped before looking for a sign: spaces (spreadsheets drop them) and apostrophes (so a
# cell that already starts with one still round-trips: "'=x" is written "''=x").
SKIPPED = "' \x0b\x0c\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200C))) + "\u202f\u205f\u3000\ufeff"


def looks_like_formula(text):
    """Whether a spreadsheet could run text: a sign first, or after spaces and apostrophes."""
    first = text[:1]
    if first in SKIPPED and first:
        first = text.lstrip(SKIPPED)[:1]
    return first != "" and first in FORMULA_SIGNS


def guard(text):
    """Text a spreadsheet shows but never runs: a leading apostrophe when it looks like a formula."""
    return "'" + text if looks_like_formula(text) else text


def unescape(cell):
    """Undo guard(): a leading apostrophe goes when what follows looks like a formula."""
    if cell[:1] == "'" and looks_like_formula(cell[1:]):
        return cell[1:]
    return cell


REQUEST_COLUMNS = [
    "request_id",
    "record_uid",
    "date",
    "date_precision",
    "date_estimated",
    "requester",
    "requester_iso2",
    "asked_country",
    "asked_country_iso2",
    "requested_by",
    "addressed_to",
    "channel",
    "status",
    "equipment_type",
    "system",
    "description",
    "kind_of_help",
    "hedged",
    "quantity_asked",
    "quantity_asked_estimated",
    "quantity_delivered",
    "quantity_delivered_estimated",
    "deliveries",
    "item_matched",
    "summary",
    "sources",
    "best_reliability",
    "best_credibility",
    "first_published",
    "last_changed",
    "url",
]


# Added later: files exported before them still import (no estimate, no deliveries).
OPTIONAL_REQUEST_COLUMNS = ["date_estimated", "quantity_asked_estimated", "quantity_delivered_estimated", "deliveries"]
# item_matched: yes when the row's item satisfies every item filter of the download (type, system, delivery
# years; yes on every row without one), else no. It says what the export was filtered by, not what the record
# holds: the importer never reads it, and a file without it imports the same.
OPTIONAL_REQUEST_COLUMNS += ["item_matched"]

# The record's own times (UTC, to the second: 2025-10-31T09:30:00Z), so a reader can say which version they
# cite: when it was first published, when it was last changed. The database keeps them; the importer ignores them.
RECORD_TIMES = ["first_published", "last_changed"]
OPTIONAL_REQUEST_COLUMNS += RECORD_TIMES

# Added later: files exported before it still import (precision not stated).
OPTIONAL_DEPLOYMENT_COLUMNS = ["location_precision", *RECORD_TIMES]


DEPLOYMENT_COLUMNS = [
    "deployment_id",
    "record_uid",
    "deploying_country",
    "deploying_country_iso2",
    "equipment_type",
    "system",
    "unit",
    "description",
    "quantity",
    "personnel",
    "location",
    "region",
    "host_country",
    "host_country_iso2",
    "latitude",
    "longitude",
    "location_precision",
    "start",
    "start_precision",
    "end",
    "end_precision",
    "status",
    "purpose",
    "sources",
    "best_reliability",
    "best_credibility",
    "first_published",
    "last_changed",
    "url",
]


# /requests-by-record.csv: one row per request, its items in one cell (export only: the importer reads items
# from /requests.csv's rows, and refuses this file for lacking its item columns).
REQUEST_RECORD_COLUMNS = [
    *REQUEST_COLUMNS[: REQUEST_COLUMNS.index("equipment_type")],
    "items",  # each item as "Su-30MK2 (Combat aircraft, Repair / overhaul)", quantity first when known, "; " between
    "item_count",
    *REQUEST_COLUMNS[REQUEST_COLUMNS.index("summary") :],
]


# /citations.csv: one row per citation of the requests a filter selects (export only, never imported).
CITATION_COLUMNS = [
    "request_id",
    "request_url",
    "requester",
    "asked_country",
    "quote",
    "location",
    "credibility",
    "credibility_label",
    "source_outlet",
    "source_title",
    "source_author",
    "source_kind",
    "source_url",
    "source_date",
    "source_date_precision",
    "source_reliability",
    "source_reliability_label",
    # The evidence (issue 21): the latest copy kept (UTC, to the second) and the original's state.
    "source_captured_at",
    "source_capture_sha256",
    "source_gone",  # yes, no, or empty when never checked
    "source_gone_checked_at",
]


# The index pages' CSV (/countries.csv, /systems.csv): one row per country or system that published records name.
COUNTRY_INDEX_COLUMNS = [
    "country",
    "code",  # what URLs and filters take: the ISO alpha-2 code, or the number of a party without one
    "iso2",
    "iso3",
    "kind",
    "region",
    "subregion",
    "requests_made",
    "times_asked",
    "deployed",
    "hosted",
    "url",
]

SYSTEM_INDEX_COLUMNS = [
    "system",
    "slug",
    "equipment_type",
    "manufacturer",
    "origin_country",
    "origin_country_iso2",
    "requests",
    "deployments",
    "url",
]
