"""An article as the reader sees it: body text (offsets count from its first character) and what is known of it.

Three inputs: the shared articles' format (`Title:`, `Outlet:`, `URL:`, `Published:` lines, a blank
line, the body), a saved page (.html: trafilatura takes the main text and the metadata), or plain text.
"""

import dataclasses
import datetime
import re
from pathlib import Path

from tracker.dates import DatePrecision

HEADERS = ("title", "outlet", "url", "published", "author")
HEADER_LINE = re.compile(r"^(Title|Outlet|URL|Published|Author):[ \t]*(.*)$", re.IGNORECASE)


@dataclasses.dataclass
class Article:
    body: str
    title: str = ""
    outlet: str = ""
    url: str = ""
    author: str = ""
    published: datetime.date | None = None
    precision: str = ""  # DatePrecision of published

    @property
    def published_text(self):
        """ "2023-05" for a month, "2023" for a year: the precision the source gives, never finer."""
        if not self.published:
            return None
        return {"year": self.published.strftime("%Y"), "month": self.published.strftime("%Y-%m")}.get(
            self.precision, self.published.isoformat()
        )


def partial_date(text):
    """(date, precision) from "2025-10-31", "2025-10", "2025" or an ISO timestamp; (None, "") otherwise."""
    text = (text or "").strip()
    for pattern, precision, fmt in (
        (r"\d{4}-\d{2}-\d{2}", DatePrecision.DAY, "%Y-%m-%d"),
        (r"\d{4}-\d{2}", DatePrecision.MONTH, "%Y-%m"),
        (r"\d{4}", DatePrecision.YEAR, "%Y"),
    ):
        found = re.match(pattern, text)
        if found:
            try:
                return datetime.datetime.strptime(found.group(0), fmt).date(), precision
            except ValueError:
                return None, ""
    return None, ""


def from_headed_text(text):
    """The shared articles' format: header lines, a blank line, the body. None when there are no headers."""
    head, blank, body = text.partition("\n\n")
    lines = head.splitlines()
    found = [HEADER_LINE.match(line) for line in lines]
    if not blank or not lines or not all(found):
        return None
    fields = {m.group(1).lower(): m.group(2).strip() for m in found}
    published, precision = partial_date(fields.get("published"))
    url = fields.get("url", "")
    return Article(
        body=body,
        title=fields.get("title", ""),
        outlet=fields.get("outlet", ""),
        url=url if url.lower().startswith(("http://", "https://")) else "",
        author=fields.get("author", ""),
        published=published,
        precision=precision,
    )


def from_html(data, url=""):
    """A saved page: its main text and metadata, through trafilatura."""
    import trafilatura

    found = trafilatura.bare_extraction(data, url=url or None, with_metadata=True, include_comments=False)
    if found is None:
        return Article(body="")
    meta = found.as_dict() if hasattr(found, "as_dict") else dict(found)
    published, precision = partial_date(meta.get("date"))
    return Article(
        body=meta.get("text") or "",
        title=meta.get("title") or "",
        outlet=meta.get("sitename") or meta.get("hostname") or "",
        url=url or meta.get("url") or "",
        author=meta.get("author") or "",
        published=published,
        precision=precision,
    )


def from_text(text, **known):
    """Pasted or uploaded text: headed if it has the header lines, else the whole text is the body."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    article = from_headed_text(text) or Article(body=text)
    for field, value in known.items():
        if value and not getattr(article, field):
            setattr(article, field, value)
    return article


def from_file(path):
    path = Path(path)
    data = path.read_bytes()
    if path.suffix.lower() in (".html", ".htm", ".xhtml") or data.lstrip()[:15].lower().startswith(
        (b"<!doctype", b"<html")
    ):
        return from_html(data)
    return from_text(data.decode("utf-8-sig", errors="replace"))
