"""datapackage.json (Frictionless Data Package): every file of a release, each column's type and meaning, each
file's size and SHA-256. The JSON Lines files are described by the API's own serializers (their help texts)."""

import json

from rest_framework import serializers

from tracker.api.serializers import DeploymentSerializer, RequestSerializer
from tracker.columns import CITATION_COLUMNS, DEPLOYMENT_COLUMNS, REQUEST_COLUMNS

from .files import SOURCE_COLUMNS

YES_NO = {"type": "boolean", "trueValues": ["yes"], "falseValues": ["no"]}
TIME = {"type": "datetime", "format": "%Y-%m-%dT%H:%M:%SZ"}
PARTIAL = "A date at its precision: 2025-10-17 (day), 2025-10 (month) or 2025 (year); empty if not reported."
GRADE = "Admiralty grade of the source, A (reliable) to F (cannot be judged)."
CREDIBILITY = "Admiralty grade of the claim, 1 (confirmed) to 6 (cannot be judged)."
NEUTRALISED = " A text a spreadsheet would run as a formula starts with an apostrophe."

# column: (description, type or a dict of field properties)
COLUMNS = {
    "request_id": ("The request's number on this site (/requests/<id>/).", "integer"),
    "deployment_id": ("The deployment's number on this site (/deployments/<id>/).", "integer"),
    "record_uid": ("The record's key in every copy of the database (UUID).", "string"),
    "date": ("When the request was made. " + PARTIAL, "string"),
    "date_precision": ("day, month or year.", "string"),
    "date_estimated": ("yes: the source gives the date as an estimate.", YES_NO),
    "requester": ("The country or party that asked." + NEUTRALISED, "string"),
    "requester_iso2": ("Its ISO 3166-1 alpha-2 code; empty for a party without one.", "string"),
    "asked_country": ("The country or party asked." + NEUTRALISED, "string"),
    "asked_country_iso2": ("Its ISO 3166-1 alpha-2 code; empty for a party without one.", "string"),
    "requested_by": ("The person who asked, if reported.", "string"),
    "addressed_to": ("The person asked, if reported.", "string"),
    "channel": ("How the request was made (letter, meeting, statement…).", "string"),
    "status": ("Where the request or deployment stood, as last reported.", "string"),
    "equipment_type": ("The kind of equipment of this item.", "string"),
    "system": ("The system named, if any.", "string"),
    "description": ("What was asked or deployed, in the source's words.", "string"),
    "kind_of_help": ("Supply, repair / overhaul, training…", "string"),
    "hedged": ("yes: the source hedges about this item.", YES_NO),
    "quantity_asked": ("How many were asked; empty if not reported.", "integer"),
    "quantity_asked_estimated": ("yes: the quantity asked is an estimate.", YES_NO),
    "quantity_delivered": ("How many were delivered; empty if not reported.", "integer"),
    "quantity_delivered_estimated": ("yes: the quantity delivered is an estimate.", YES_NO),
    "deliveries": ("Deliveries by year: '1998: 20?; 1999: 40' (? an estimate).", "string"),
    "item_matched": ("Always yes in a release (a download's item filters; a release has none).", YES_NO),
    "summary": ("What the record says, in a sentence or two." + NEUTRALISED, "string"),
    "sources": ("The sources cited, 'outlet: title', best claim first, '; ' between.", "string"),
    "best_reliability": ("The best reliability grade among its sources. " + GRADE, "string"),
    "best_credibility": ("The best credibility grade among its claims. " + CREDIBILITY, "integer"),
    "first_published": ("When the record was first published (UTC).", TIME),
    "last_changed": ("When the record was last changed (UTC): an edit, a revert or an import.", TIME),
    "url": ("The record's page.", "string"),
    "deploying_country": ("The country that deployed.", "string"),
    "deploying_country_iso2": ("Its ISO 3166-1 alpha-2 code.", "string"),
    "unit": ("The unit deployed, if reported.", "string"),
    "quantity": ("How many systems, if reported.", "integer"),
    "personnel": ("How many people, if reported.", "integer"),
    "location": ("Where, as reported.", "string"),
    "region": ("The region of the location.", "string"),
    "host_country": ("The country deployed in.", "string"),
    "host_country_iso2": ("Its ISO 3166-1 alpha-2 code.", "string"),
    "latitude": ("Latitude of the location (WGS 84), if known.", "number"),
    "longitude": ("Longitude of the location (WGS 84), if known.", "number"),
    "location_precision": ("How precise the coordinates are: exact, city, region or country.", "string"),
    "start": ("When the deployment began. " + PARTIAL, "string"),
    "start_precision": ("day, month or year.", "string"),
    "end": ("When it ended. " + PARTIAL, "string"),
    "end_precision": ("day, month or year.", "string"),
    "purpose": ("What it was for, as reported.", "string"),
    "request_url": ("The request's page.", "string"),
    "quote": ("What the source says, quoted.", "string"),
    "credibility": (CREDIBILITY, "integer"),
    "credibility_label": ("The credibility grade in words.", "string"),
    "source_id": ("The source's number (the API's /api/sources/<id>/).", "integer"),
    "source_outlet": ("The publisher or issuing body.", "string"),
    "source_title": ("The publication's title.", "string"),
    "source_author": ("Its author, if named.", "string"),
    "source_kind": ("News report, official statement, …", "string"),
    "source_url": ("The publication's own address, if any.", "string"),
    "source_date": ("When it was published. " + PARTIAL, "string"),
    "source_date_precision": ("day, month or year.", "string"),
    "source_reliability": (GRADE, "string"),
    "source_reliability_label": ("The reliability grade in words.", "string"),
    "source_captured_at": ("When the latest copy kept of the publication was fetched (UTC).", TIME),
    "source_capture_sha256": ("SHA-256 of that copy, 64 hex digits.", "string"),
    "source_gone": ("yes: the original is no longer online; empty: never checked.", YES_NO),
    "source_gone_checked_at": ("The latest check of the original (UTC).", TIME),
    "outlet": ("The publisher or issuing body.", "string"),
    "title": ("The publication's title.", "string"),
    "author": ("Its author, if named.", "string"),
    "kind": ("News report, official statement, …", "string"),
    "reliability": (GRADE, "string"),
    "reliability_label": ("The reliability grade in words.", "string"),
    "captured_at": ("When the latest copy kept of the publication was fetched (UTC).", TIME),
    "capture_sha256": ("SHA-256 of that copy, 64 hex digits.", "string"),
    "gone": ("yes: the original is no longer online; empty: never checked.", YES_NO),
    "gone_checked_at": ("The latest check of the original (UTC).", TIME),
    "change": ("added, changed or withdrawn since the previous release.", "string"),
    "record": ("request or deployment.", "string"),
    "id": ("The record's number on this site.", "integer"),
}
SOURCES_URL = ("The publication's own address, if any.", "string")

CHANGE_COLUMNS = ["change", "record", "id"]
CSV_COLUMNS = {
    "requests.csv": ("Requests, one row per item (a request without items: one row).", REQUEST_COLUMNS),
    "deployments.csv": ("Deployments, one row each.", DEPLOYMENT_COLUMNS),
    "citations.csv": ("Each citation of a request, with its source.", CITATION_COLUMNS),
    "sources.csv": ("Each source a published record cites.", SOURCE_COLUMNS),
    "CHANGES.csv": ("What changed since the previous release, by record.", CHANGE_COLUMNS),
}
LINES = {
    "requests.jsonl": ("Requests as the API gives them (/api/requests/), one a line.", RequestSerializer),
    "deployments.jsonl": ("Deployments as the API gives them (/api/deployments/), one a line.", DeploymentSerializer),
}


def csv_field(name, file_name):
    description, kind = SOURCES_URL if (file_name, name) == ("sources.csv", "url") else COLUMNS[name]
    return {"name": name, "description": description, **({"type": kind} if isinstance(kind, str) else kind)}


def json_type(field):
    if isinstance(field, serializers.ListSerializer | serializers.ListField):
        return "array"
    if isinstance(field, serializers.Serializer):
        return "object"
    if isinstance(field, serializers.BooleanField):
        return "boolean"
    if isinstance(field, serializers.IntegerField):
        return "integer"
    if isinstance(field, serializers.FloatField | serializers.DecimalField):
        return "number"
    return "string"  # text, links, choices, timestamps (as text: null where never published)


def json_field(name, field):
    description = str(field.help_text or field.label or name.replace("_", " "))
    return {"name": name, "type": json_type(field), "description": description}


def resource(entry):
    name = entry["name"]
    described = {
        "name": name.lower().replace(".", "-"),
        "path": name,
        "bytes": entry["bytes"],
        "hash": f"sha256:{entry['sha256']}",
    }
    if name in CSV_COLUMNS:
        title, columns = CSV_COLUMNS[name]
        fields = [csv_field(column, name) for column in columns]
        return {
            **described,
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8-sig",  # a byte-order mark first, as the site's CSV downloads (Excel needs it)
            "description": title,
            "schema": {"fields": fields},
        }
    title, serializer = LINES[name]
    fields = [json_field(key, field) for key, field in serializer().fields.items()]
    return {
        **described,
        "format": "jsonl",
        "mediatype": "application/jsonl",
        "encoding": "utf-8",
        "description": title,
        "schema": {"fields": fields},
    }


def datapackage(release, manifest):
    """The datapackage.json of the release's files (the manifest's entries), as bytes."""
    package = {
        "name": "arms-request-tracker",
        "title": f"Arms Request Tracker, release {release.tag}",
        "version": release.tag,
        "created": release.created_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "description": "Every record published on the Arms Request Tracker when the release was made.",
        "resources": [resource(entry) for entry in manifest],
    }
    return (json.dumps(package, ensure_ascii=False, indent=2) + "\n").encode()
