"""Atom feeds of any filter: /requests/feed/?country=VE&type=uav and /deployments/feed/?… (docs/exploring.md, "Feeds"),
and the page a person reaches by "Subscribe": /requests/subscribe/?country=VE says what a feed is and gives
the feed's address to copy into a feed reader.

The list's own FilterSet reads the query string, so a feed holds exactly the records its page lists (a bad
parameter is the same 400, naming it). Entries are the latest FEED_ENTRIES published records, the most
recently published first: a record enters a feed when it is first published (published_at), not when it
was made as a draft, and leaves it when unpublished. Each entry's id is a tag: URI built from the record's
uid, so it never changes when the record is edited; its `updated` is the record's last change.
"""

import re
from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.http import QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.xmlutils import SimplerXMLGenerator
from django.views.decorators.http import require_safe

from tracker.models import ArmsRequest, Deployment

from .filters import DeploymentFilter, RequestFilter
from .views import apply, error_page

NOT_XML = re.compile(r"[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]")  # characters XML 1.0 cannot hold


class XMLSafeGenerator(SimplerXMLGenerator):
    """Replaces the control characters XML 1.0 cannot hold (Django raises instead: a 500 for ?q=%1B, or for a
    record a curator pasted one into) with U+FFFD, in text and attributes alike."""

    def characters(self, content):
        super().characters(NOT_XML.sub("\ufffd", content) if content else content)

    def startElement(self, name, attrs):
        clean = {key: NOT_XML.sub("\ufffd", value) if isinstance(value, str) else value for key, value in attrs.items()}
        super().startElement(name, clean if attrs else attrs)


class SafeAtom1Feed(Atom1Feed):
    def write(self, outfile, encoding):
        handler = XMLSafeGenerator(outfile, encoding, short_empty_elements=True)
        handler.startDocument()
        handler.startElement("feed", self.root_attributes())
        self.add_root_elements(handler)
        self.write_items(handler)
        handler.endElement("feed")


FEED_ENTRIES = 50
LATEST_SHOWN = 5  # entries the subscribe page shows, so a person sees what the feed will bring
# RFC 4151: tag:<authority>,<date>:<specific>. Fixed, not the serving host: an entry keeps its id
# whichever address the feed is read from, and a record keeps its uid across databases.
TAG = "tag:arms-request-tracker,2025:"
NOT_FILTERS = ("sort", "page", "after", "before")  # the order and the page of a list, not what it holds


class BadFilter(Exception):
    def __init__(self, errors):
        super().__init__(errors)
        self.errors = errors


@dataclass
class Selection:
    """What a feed is of: the bound FilterSet, its rows, the filters as a query string, and the site's base URL."""

    filterset: object
    rows: object
    query: str
    base_url: str


def filters_only(request):
    """The query string without the list's sort and page: the feed of ?sort=date is the feed of no filter."""
    params = QueryDict(mutable=True)
    for name in sorted(request.GET):
        if name not in NOT_FILTERS:
            params.setlist(name, request.GET.getlist(name))
    return params.urlencode()


def describe(filterset):
    """The filters in words, for the feed's title: "Either side: Venezuela; Equipment type: UAV / drone"."""
    parts = []
    for name, value in filterset.form.cleaned_data.items():
        if name in NOT_FILTERS or value in (None, "", []):
            continue
        choices = dict(getattr(filterset.form.fields[name], "choices", ()))
        if isinstance(value, list):
            text = ", ".join(
                str(getattr(v, "designation", None) or getattr(v, "name", None) or choices.get(v, v)) for v in value
            )
        elif isinstance(value, tuple):  # a period: as the user typed it (2025, 2025-10 or 2025-10-17)
            text = filterset.form.data.get(name, "")
        elif name == "q":
            text = f"“{value}”"
        else:
            text = str(choices.get(value, value))
        parts.append(f"{filterset.filters[name].label}: {text}")
    return "; ".join(parts)


class FilteredFeed(Feed):
    """An Atom feed of one list's filter; subclasses name the list."""

    feed_type = SafeAtom1Feed
    filterset_class = None
    noun = ""  # "request": names its URLs (request-list, request-feed) and entry ids
    heading = ""  # "Arms requests"
    author_name = "Arms Request Tracker"

    def queryset(self):
        raise NotImplementedError

    def __call__(self, request, *args, **kwargs):
        try:
            return super().__call__(request, *args, **kwargs)
        except BadFilter as bad:
            return error_page(request, bad.errors)

    def get_object(self, request):
        filterset, rows, errors = apply(self.filterset_class, request, self.queryset())
        if errors:
            raise BadFilter(errors)
        return Selection(filterset, rows, filters_only(request), request.build_absolute_uri("/").rstrip("/"))

    def items(self, selection):
        return selection.rows.latest_published_first()[:FEED_ENTRIES]

    def title(self, selection):
        described = describe(selection.filterset)
        return f"{self.heading}: {described}" if described else f"{self.heading}: all"

    def subtitle(self, selection):
        return (
            f"Published {self.noun}s matching these filters, the most recently published first "
            f"(the latest {FEED_ENTRIES}), from the Arms Request Tracker."
        )

    def link(self, selection):
        """The list page of the same filter."""
        return reverse(f"{self.noun}-list") + (f"?{selection.query}" if selection.query else "")

    def feed_url(self, selection):
        return reverse(f"{self.noun}-feed") + (f"?{selection.query}" if selection.query else "")

    def feed_guid(self, selection):
        return f"{TAG}{self.noun}s/feed" + (f"?{selection.query}" if selection.query else "")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "base": kwargs["obj"].base_url}

    def item_guid(self, record):
        return f"{TAG}{self.noun}:{record.uid}"

    def item_guid_is_permalink(self, record):
        return False

    def item_pubdate(self, record):
        return record.published_at

    def item_updateddate(self, record):
        return record.updated_at


class RequestFeed(FilteredFeed):
    filterset_class = RequestFilter
    noun = "request"
    heading = "Arms requests"
    description_template = "feeds/request_entry.html"

    def queryset(self):
        return ArmsRequest.objects.published().for_list()

    def item_title(self, r):
        """As the list row reads: who asked whom for what (the summary when no item is recorded)."""
        items = r.items.all()
        what = "; ".join(item_words(item) for item in items) if items else r.summary
        return f"{r.requester.name} → {r.supplier.name}: {shorten(what, 200)}"

    def item_categories(self, r):
        return [r.get_status_display(), *dict.fromkeys(item.equipment_type.name for item in r.items.all())]


class DeploymentFeed(FilteredFeed):
    filterset_class = DeploymentFilter
    noun = "deployment"
    heading = "Deployments"
    description_template = "feeds/deployment_entry.html"

    def queryset(self):
        return Deployment.objects.published().for_list()

    def item_title(self, d):
        where = d.location or d.region or (d.host_country.name if d.host_country else "")
        what = shorten(d.unit or d.description, 150)
        return f"{d.country.name}: {what}" + (f" ({where})" if where else "")

    def item_categories(self, d):
        return [d.get_status_display(), *([d.equipment_type.name] if d.equipment_type else [])]


def item_words(item):
    """'12 × Su-30MK2: jets' as the list shows an item, in plain text."""
    quantity = ""
    if item.quantity_requested is not None:
        quantity = f"{'≈' if item.quantity_requested_estimated else ''}{item.quantity_requested:,} × "
    system = f"{item.system.designation}: " if item.system else ""
    return f"{quantity}{system}{item.description}"


def shorten(text, limit):
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


FEEDS = {"request": RequestFeed, "deployment": DeploymentFeed}


@require_safe
def subscribe(request, noun):
    """The page "Subscribe" and "Follow Venezuela" lead to: what a feed is, the feed's address to copy (a button,
    assets/js/copy.js), and its latest entries. Its head names the feed, so a reader given this page finds it."""
    feed = FEEDS[noun]()
    try:
        selection = feed.get_object(request)
    except BadFilter as bad:
        return error_page(request, bad.errors)
    feed_path = feed.feed_url(selection)
    latest = feed.items(selection)[:LATEST_SHOWN]
    context = {
        "noun": noun,
        "title": feed.title(selection),
        "heading": feed.heading,
        "described": describe(selection.filterset),
        "feed_path": feed_path,
        "feed_url": request.build_absolute_uri(feed_path),
        "list_url": feed.link(selection),
        "entries": FEED_ENTRIES,
        "latest": [(record, feed.item_title(record)) for record in latest],
    }
    return render(request, "tracker/subscribe.html", context)
