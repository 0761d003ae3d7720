"""Cite this: a record's version as plain text, BibTeX, RIS and CSL-JSON, each naming its permanent address.

Every format says the same things: the database, the record's title, the version number and date, the
version's address (/requests/<id>/v/<n>/) and the day it was accessed. A record written without any
revision (none on file) is cited by its own address, without a version.
"""

import json
import re
from dataclasses import dataclass
from datetime import date, datetime

from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from tracker.models import ArmsRequest, Deployment
from tracker.models.record_versions import published_versions_of, state_at

DATABASE = "Arms Request Tracker"
TITLE_WORDS = 24
FORMATS = {  # the file's extension: its media type
    "bib": "application/x-bibtex",
    "ris": "application/x-research-info-systems",
    "json": "application/vnd.citationstyles.csl+json",  # CSL-JSON
}
MODELS = {"request": ArmsRequest, "deployment": Deployment}


@dataclass
class Cite:
    kind: str
    pk: int
    title: str
    number: int | None
    date: datetime | None
    url: str
    accessed: date

    @property
    def key(self):
        return f"art-{self.kind}-{self.pk}" + (f"-v{self.number}" if self.number else "")

    @property
    def plain(self):
        version = f", version {self.number} ({long_date(self.date)})" if self.number else ""
        return f"{DATABASE}. “{self.title}”{version}. {self.url} (accessed {long_date(self.accessed)})."


def today():
    return timezone.now().date()


def long_date(day):
    return f"{day.day} {day:%B %Y}"


def title(kind, record):
    """The record as its page's heading says it, with the request's summary or the deployment's description."""
    if kind == "request":
        text = f"{record.requester.name} asked {record.supplier.name}: {record.summary}"
    else:
        text = f"{record.country.name} deployed {record.unit or record.description}"
    return Truncator(" ".join(text.split())).words(TITLE_WORDS)


def for_record(request, kind, record, version):
    """The citation of record at version (a PublishedVersion; None cites the record's own address)."""
    if version is None:
        path, number, day = reverse(f"{kind}-detail", args=[record.pk]), None, None
    else:
        path, number, day = reverse(f"{kind}-version", args=[record.pk, version.number]), version.number, version.date
    url = request.build_absolute_uri(path)
    return Cite(kind, record.pk, title(kind, record), number, day, url, today())


# ---------------------------------------------------------------- formats


def bibtex_text(text):
    """A value inside BibTeX braces: braces would unbalance the entry (escaped or not), so they become
    parentheses; TeX's special characters are escaped."""
    text = " ".join(text.split()).replace("{", "(").replace("}", ")").replace("\\", "/")
    return re.sub(r"([&%$#_])", r"\\\1", text).replace("~", r"\textasciitilde{}").replace("^", r"\^{}")


def bibtex(c):
    fields = [("title", "{" + bibtex_text(c.title) + "}"), ("author", "{" + DATABASE + "}")]
    fields += [("publisher", DATABASE), ("howpublished", DATABASE + " (database)")]
    if c.number:
        fields += [("version", str(c.number)), ("year", str(c.date.year)), ("month", str(c.date.month))]
        fields += [("date", c.date.date().isoformat())]
    fields += [("url", c.url), ("urldate", c.accessed.isoformat())]
    fields += [("note", f"Accessed {c.accessed.isoformat()}")]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{c.key},\n{body}\n}}\n"


def ris(c):
    """RIS (TY DATA: a dataset); one line per tag, so no value holds a line break."""
    lines = [("TY", "DATA"), ("TI", c.title), ("AU", DATABASE), ("PB", DATABASE), ("DB", DATABASE)]
    if c.number:
        lines += [("ET", f"version {c.number}"), ("PY", str(c.date.year)), ("DA", f"{c.date:%Y/%m/%d}")]
    lines += [("UR", c.url), ("Y2", f"{c.accessed:%Y/%m/%d}"), ("ER", "")]
    return "".join(f"{tag}  - {' '.join(value.split())}\r\n" for tag, value in lines)


def parts(day):
    return {"date-parts": [[day.year, day.month, day.day]]}


def csl(c):
    """CSL-JSON: a list of one item of type dataset (valid against the CSL data schema, tests/data/)."""
    item = {
        "id": c.key,
        "type": "dataset",
        "title": c.title,
        "author": [{"literal": DATABASE}],
        "publisher": DATABASE,
        "URL": c.url,
        "accessed": parts(c.accessed),
    }
    if c.number:
        item |= {"version": str(c.number), "issued": parts(c.date)}
    return json.dumps([item], ensure_ascii=False, indent=2) + "\n"


WRITERS = {"bib": bibtex, "ris": ris, "json": csl}


def cite_file(request, pk, number, kind, fmt):
    """/requests/<id>/v/<n>/cite.bib (.ris, .json): version n's citation as a file a reference manager takes."""
    model = MODELS[kind]
    versions = published_versions_of(model, pk)
    if fmt not in FORMATS or not 1 <= number <= len(versions):
        raise Http404(f"This {kind} has no published version {number}.")
    state = state_at(model, pk, versions[number - 1])
    if state is None:
        raise Http404(f"This {kind} has no published version {number}.")
    c = for_record(request, kind, state.record, state.version)
    response = HttpResponse(WRITERS[fmt](c), content_type=f"{FORMATS[fmt]}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="arms-request-tracker_{kind}-{pk}_v{number}.{fmt}"'
    return response
