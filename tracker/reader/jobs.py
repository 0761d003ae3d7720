"""Reading an article as a background job (kind "reader-read"): get its text, read it, keep the proposal.

The text comes from the Reading row (pasted or uploaded text), a staged saved page (.html), or the
reading's URL, fetched here with the evidence fetcher (safe addresses, bounded size and time); the
source's own capture (tracker.evidence) keeps the evidence copy beside it. Not atomic: a network
failure is retried with the jobs' backoff, and a failed reading says why on its row.
"""

from django.conf import settings

from tracker.evidence.fetch import fetch
from tracker.jobs.kinds import job_kind
from tracker.models import Reading, ReadingState, StagedFile

from . import article as articles
from .output import read

TRY_AGAIN = {408, 425, 429, 500, 502, 503, 504}
HTML = ("text/html", "application/xhtml+xml")


class ReadingFailed(Exception):
    """The article cannot be read (nothing to read, a refused address, a 404): retrying changes nothing."""


class NetworkTrouble(Exception):
    """The network or the server failed this attempt: worth another, later."""


def article_from_page(data, url=""):
    if data.lstrip()[:15].lower().startswith((b"<!doctype", b"<html")) or b"<body" in data[:65536].lower():
        return articles.from_html(data, url=url)
    return articles.from_text(data.decode("utf-8-sig", errors="replace"), url=url)


def fetched_article(url):
    result = fetch(url)
    try:
        if result.refused:
            raise (NetworkTrouble if result.transient else ReadingFailed)(f"{url}: {result.refused}")
        if result.status in TRY_AGAIN:
            raise NetworkTrouble(f"{url}: the server answered {result.status}")
        if not 200 <= result.status < 300:
            raise ReadingFailed(f"{url}: the server answered {result.status}, not the page")
        if result.size > settings.EVIDENCE_TEXT_MAX_BYTES:
            raise ReadingFailed(f"{url}: the page is over {settings.EVIDENCE_TEXT_MAX_BYTES:,} bytes")
        return article_from_page(result.body, url=result.final_url or url)
    finally:
        result.close()


def article_of(reading, staged_id):
    """The article to read: the row's own body, else the staged page, else the fetched URL."""
    if reading.body:
        return articles.Article(body=reading.body)
    if staged_id:
        staged = StagedFile.objects.filter(pk=staged_id).first()
        if staged is None:
            raise ReadingFailed("The uploaded page is no longer kept; upload it again.")
        with staged.open() as data:
            found = article_from_page(data.read())
        staged.delete()
        return found
    if reading.url:
        return fetched_article(reading.url)
    raise ReadingFailed("There is no text to read.")


def given(article, reading):
    """What the curator typed wins over what the page says of itself (the reader dates against it too)."""
    for field in ("title", "outlet", "url", "author"):
        setattr(article, field, getattr(reading, field) or getattr(article, field))
    if reading.published:
        article.published, article.precision = reading.published, reading.published_precision


def keep(reading, article, proposal):
    """The body and what the page says of itself, where the curator gave nothing, and the proposal."""
    reading.body = article.body
    for field in ("title", "outlet", "url", "author"):
        if not getattr(reading, field) and getattr(article, field):
            limit = Reading._meta.get_field(field).max_length
            setattr(reading, field, getattr(article, field)[:limit])
    if reading.published is None and article.published:
        reading.published, reading.published_precision = article.published, article.precision
    reading.proposal, reading.state, reading.error = proposal, ReadingState.READ, ""
    reading.save()


@job_kind(
    "reader-read",
    "Reader: read an article",
    atomic=False,  # a fetch may take minutes: no transaction held open meanwhile
    max_attempts=3,
    retry_on=(NetworkTrouble,),
    explained=(ReadingFailed, NetworkTrouble),
)
def read_job(job, progress):
    reading = Reading.objects.filter(pk=job.arguments["reading"]).first()
    if reading is None:
        return "The reading was deleted before it ran."
    try:
        progress(stage="Getting the text", force=True)
        article = article_of(reading, job.arguments.get("staged"))
        if not article.body.strip():
            raise ReadingFailed("No text found in the article.")
        progress(stage="Reading", force=True)
        given(article, reading)
        proposal = read(article)
    except NetworkTrouble as error:
        if job.attempts >= job.max_attempts:
            Reading.objects.filter(pk=reading.pk).update(state=ReadingState.FAILED, error=str(error)[:2000])
        raise
    except ReadingFailed as error:
        Reading.objects.filter(pk=reading.pk).update(state=ReadingState.FAILED, error=str(error)[:2000])
        raise
    keep(reading, article, proposal)
    found = proposal["requests"], proposal["deployments"]
    return f"Reading #{reading.pk}: {len(found[0])} requests and {len(found[1])} deployments proposed."
