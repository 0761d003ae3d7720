"""The reader's proposal as JSON (the shape `manage.py read_article --json` prints, issue 22).

Offsets count from the start of the body; every quote is body[start:end], nothing else.
"""

from tracker.models import Country

from .propose import Reading

UNKNOWN = "Unknown supplier(s)"  # the party SIPRI and we use when the text names none (parties.csv)


def party(value, names):
    if value is None:
        return {"code": None, "name": UNKNOWN}
    if len(value) == 2 and value.isupper():
        return {"code": value, "name": names.get(value, value)}
    return {"code": None, "name": value}


def quote(body, start, end):
    while start < end and body[start].isspace():
        start += 1
    while end > start and body[end - 1].isspace():
        end -= 1
    return {"text": body[start:end], "start": start, "end": end}


def paragraph_of(body, offset):
    """1-based paragraph (line) of an offset: the citation's location."""
    before = body[:offset].split("\n")[:-1]  # the lines that end before the offset's own line
    return sum(1 for line in before if line.strip()) + 1


def read(article):
    reading = Reading(article).read()
    doc, body = reading.doc, article.body
    names = dict(Country.objects.exclude(iso2=None).values_list("iso2", "name"))
    requests = []
    for proposal in reading.requests:
        reading.details(proposal)
        first = proposal.sentences[0]
        date = reading.date_of(proposal)
        items = []
        for item in proposal.items:
            span = doc[item.start : item.end]
            start = doc[item.help_start].idx if item.help_start is not None else span.start_char
            items.append(
                {
                    "equipment_type": item.equipment_type or item.system_type or "other",
                    "system": item.system,
                    "description": span.text,
                    "help_kind": item.help_kind,
                    "hedged": item.hedged,
                    "quantity_requested": item.quantity,
                    "quote": quote(body, min(start, span.start_char), span.end_char),
                }
            )
        requests.append(
            {
                "requester": party(proposal.requester, names),
                "supplier": party(proposal.supplier, names),
                "date": date.iso if date else None,
                "date_precision": date.precision if date else None,
                "date_quote": quote(body, date.start, date.end) if date else None,
                "status": proposal.status,
                "channel": proposal.channel,
                "hedged": proposal.hedged,
                "people": proposal.people,
                "quote": quote(body, first.start_char, first.end_char),
                "paragraph": paragraph_of(body, first.start_char),
                "items": items,
            }
        )
    deployments = []
    for found in reading.deployments:
        start, end = doc[found["quote"][0]].idx, doc[found["quote"][1] - 1].idx + len(doc[found["quote"][1] - 1])
        deployments.append(
            {
                "country": party(found["country"], names),
                "description": found["what"],
                "location": found["where"],
                "quote": quote(body, start, end),
                "paragraph": paragraph_of(body, start),
            }
        )
    source = {"title": article.title, "outlet": article.outlet, "url": article.url or None}
    source.update(published=article.published_text, author=article.author or None)
    return {"source": source, "requests": requests, "deployments": deployments}
