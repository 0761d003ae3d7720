"""A page's main text and metadata (title, author, date) with trafilatura, bounded.

trafilatura's own timeout works only on its command line and a very large page can keep extract()
busy for minutes or exhaust memory on its tables (trafilatura #704, #657): pages over
EVIDENCE_TEXT_MAX_BYTES are kept whole but not extracted, and any error of the extractor becomes
a note on the capture, never a failed capture.
"""

import dataclasses
import json
import logging
from importlib.metadata import version

from django.conf import settings

log = logging.getLogger(__name__)

TOOL = f"trafilatura {version('trafilatura')}"
READABLE = ("text/html", "application/xhtml+xml", "application/xml", "text/xml", "text/plain")


@dataclasses.dataclass
class Extracted:
    text: str = ""
    title: str = ""
    author: str = ""
    date: str = ""
    note: str = ""  # why there is no text


def main_text(result):
    """The text of a fetch (tracker.evidence.fetch.Fetch), read into memory only when it is small enough."""
    mime, url = result.content_type.split(";")[0].strip().lower(), result.final_url
    if mime and mime not in READABLE:
        return Extracted(note=f"no text taken from {mime}: the copy is kept as it came")
    limit = settings.EVIDENCE_TEXT_MAX_BYTES
    if result.size > limit:
        return Extracted(note=f"the page is over {limit:,} bytes: kept whole, its text not extracted")
    body = result.body
    if mime == "text/plain":
        return Extracted(text=body.decode("utf-8", errors="replace"))
    try:
        import trafilatura  # loaded on first use: a worker that only imports never pays for it

        found = trafilatura.extract(body, url=url or None, output_format="json", with_metadata=True)
    except Exception as e:  # noqa: BLE001 - the extractor's failure must not lose the copy
        log.warning("text extraction of %s failed", url, exc_info=True)
        return Extracted(note=f"text extraction failed: {type(e).__name__}: {e}"[:300])
    if not found:
        return Extracted(note="no main text found on the page")
    data = json.loads(found)
    return Extracted(
        text=data.get("text") or "",
        title=(data.get("title") or "")[:500],
        author=(data.get("author") or "")[:300],
        date=(data.get("date") or "")[:40],
    )
