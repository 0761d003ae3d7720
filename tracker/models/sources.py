"""Sources and the citations that tie each claim to one, with their Admiralty grades."""

from django.apps import apps
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Concat
from django.urls import reverse

from tracker.dates import DatePrecision, format_partial, normalise, partial_date_constraints

from .base import choices_constraint, published_citations, used_by
from .evidence import evidence_annotations
from .names import NameKey, key_words, words_start
from .source_urls import after, same_page, url_prefixes


class Reliability(models.TextChoices):
    """Admiralty (NATO) grade of a source."""

    A = "A", "A: completely reliable"
    B = "B", "B: usually reliable"
    C = "C", "C: fairly reliable"
    D = "D", "D: not usually reliable"
    E = "E", "E: unreliable"
    F = "F", "F: reliability cannot be judged"


class Credibility(models.IntegerChoices):
    """Admiralty (NATO) grade of one piece of information."""

    CONFIRMED = 1, "1: confirmed by other sources"
    PROBABLY_TRUE = 2, "2: probably true"
    POSSIBLY_TRUE = 3, "3: possibly true"
    DOUBTFUL = 4, "4: doubtful"
    IMPROBABLE = 5, "5: improbable"
    CANNOT_JUDGE = 6, "6: truth cannot be judged"


class SourceKind(models.TextChoices):
    NEWS_REPORT = "news", "News report"
    OFFICIAL_STATEMENT = "official", "Official statement"
    LEAKED_DOCUMENT = "leak", "Leaked document"
    DATASET = "dataset", "Dataset"
    RESEARCH = "research", "Research report"
    SOCIAL_MEDIA = "social", "Social media post"
    IMAGERY = "imagery", "Imagery"
    OTHER = "other", "Other"


WEB_SCHEMES = ("http://", "https://")
web_url = URLValidator(
    schemes=["http", "https"],
    message="Enter a web address starting with http:// or https:// (or leave it empty).",
    code="not_web",  # not "invalid", which the field would replace by its own "Enter a valid URL."
)


class SourceQuerySet(models.QuerySet):
    def cited_publicly(self):
        """Sources a published record cites; the others (cited only by drafts, or not at all) stay private."""
        requests = apps.get_model("tracker", "ArmsRequest").objects.published()
        deployments = apps.get_model("tracker", "Deployment").objects.published()
        cited = Citation.objects.filter(source=models.OuterRef("pk"))
        return self.filter(
            models.Exists(cited.filter(request__in=requests)) | models.Exists(cited.filter(deployment__in=deployments))
        )

    def in_public_use(self):
        """Sources a published request or deployment cites (a citation of a published record is its source)."""
        requests, deployments = published_citations()
        return self.filter(used_by(requests, "source") | used_by(deployments, "source"))

    def with_evidence(self):
        """kept_at, kept_sha256 (the latest copy kept), last_checked_at and gone (the original's state)."""
        return self.annotate(**evidence_annotations())

    def named(self, text):
        """Each word typed begins a word of the outlet or the title: "post venezuela" (models/names.py)."""
        return self.filter(words_start(Concat("outlet", Value(" "), "title"), text))  # NAME_KEYS' SQL

    def possible_duplicates(self, url="", outlet="", title="", exclude_pk=None):
        """Sources that may be this one, as a list: the same page (source_urls.same_page: scheme, www.,
        trailing slash, fragment and tracking parameters aside), or the same outlet and title but for
        case and spaces. Two queries at most: the URL's through the url index (a range per spelling of
        scheme and www.: 3 ms at 100k sources), the title's by its words; Python keeps the rows that match."""
        found = {}
        page = same_page(url)
        if page is not None:
            # One SELECT per spelling, in a UNION: SQLite uses no index for an OR of ranges. startswith
            # too: a range is a prefix only in code-point order (the collation of the index may differ).
            kept = self.exclude(url="").exclude(pk=exclude_pk).order_by()
            first, *rest = [
                kept.filter(url__gte=prefix, url__lt=after(prefix), url__startswith=prefix)
                for prefix in url_prefixes(url)
            ]
            for source in first.union(*rest):
                if same_page(source.url) == page:
                    found[source.pk] = source
        name = same_words(outlet), same_words(title)
        if all(name):
            # No index holds titles: a scan, but of one LIKE a row over PostgreSQL's stored name_key (SQLite
            # computes the key once a row, not once a word as named() would).
            same_key = KeyLike(NameKey(Concat("outlet", Value(" "), "title")), f"{outlet} {title}")
            for source in self.filter(same_key).exclude(pk=exclude_pk).order_by():
                if (same_words(source.outlet), same_words(source.title)) == name:
                    found[source.pk] = source
        return list(found.values())

    def of_page(self, url):
        """The source kept for url's page: that very URL, else one spelled otherwise (possible_duplicates)."""
        if not url:
            return None
        return self.filter(url=url).first() or next(iter(self.possible_duplicates(url)), None)


class KeyLike(models.Func):
    """The name's key (names.NameKey) holds the words of text in their order, each beginning a word:
    "the post maduro asks" for "The Post: Maduro  asks". One LIKE; its words hold no wildcard (name_key
    makes % and _ spaces)."""

    arity = 1
    output_field = models.BooleanField()

    def __init__(self, expression, text):
        super().__init__(expression)
        self.pattern = "%" + "%".join(f" {word}" for word in key_words(text)) + "%"

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"{sql} LIKE %s", (*params, self.pattern)


def same_words(text):
    return " ".join((text or "").split()).casefold()


class Source(models.Model):
    """One publication or document."""

    outlet = models.CharField(max_length=160, help_text="Publisher or issuing body, e.g. The Washington Post.")
    title = models.CharField(max_length=300)
    author = models.CharField(max_length=200, blank=True)
    url = models.URLField("URL", max_length=500, blank=True, validators=[web_url])
    published_on = models.DateField(null=True, blank=True)
    published_precision = models.CharField(
        max_length=5, choices=DatePrecision.choices, blank=True, help_text="How precisely the date is known."
    )
    kind = models.CharField(max_length=10, choices=SourceKind.choices, default=SourceKind.NEWS_REPORT)
    reliability = models.CharField(
        max_length=1,
        choices=Reliability.choices,
        default=Reliability.F,
        help_text="Admiralty grade of the source as a whole.",
    )
    notes = models.TextField(blank=True)

    objects = SourceQuerySet.as_manager()

    class Meta:
        ordering = ["-published_on", "outlet", "title"]
        constraints = [
            models.UniqueConstraint(fields=["url"], condition=~Q(url=""), name="source_url_unique"),
            # Only web addresses, whatever path wrote the row: a javascript: URL would run on a click.
            models.CheckConstraint(
                condition=Q(url="") | Q(url__istartswith=WEB_SCHEMES[0]) | Q(url__istartswith=WEB_SCHEMES[1]),
                name="source_url_http",
                violation_error_message="A source's URL starts with http:// or https://, or is empty.",
            ),
            choices_constraint("reliability", Reliability, "source_reliability_valid"),
            choices_constraint("kind", SourceKind, "source_kind_valid"),
            *partial_date_constraints("source", "published_on", "published_precision"),
        ]
        indexes = [models.Index(fields=["reliability"], name="source_reliability_idx")]

    def __str__(self):
        return f"{self.outlet}: {self.title}"

    def get_absolute_url(self):
        return reverse("admin:tracker_source_change", args=[self.pk])

    @property
    def link(self):
        """The URL if it is safe to put in an href (http or https), else "": the one way templates link a source."""
        return self.url if self.url.lower().startswith(WEB_SCHEMES) else ""

    @property
    def published_display(self):
        return format_partial(self.published_on, self.published_precision)

    def clean(self):
        self.published_on = normalise(self.published_on, self.published_precision)


class Citation(models.Model):
    """One claim's link to a source: a request or a deployment, never both."""

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="citations")
    request = models.ForeignKey(
        "ArmsRequest", on_delete=models.CASCADE, null=True, blank=True, related_name="citations"
    )
    deployment = models.ForeignKey(
        "Deployment", on_delete=models.CASCADE, null=True, blank=True, related_name="citations"
    )
    quote = models.TextField(blank=True, help_text="The sentence(s) in the source that support the claim.")
    location = models.CharField(max_length=120, blank=True, help_text="Page, paragraph or timestamp.")
    credibility = models.PositiveSmallIntegerField(
        choices=Credibility.choices,
        default=Credibility.CANNOT_JUDGE,
        help_text="Admiralty grade of this piece of information.",
    )

    class Meta:
        ordering = ["credibility", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(request__isnull=False, deployment__isnull=True)
                | Q(request__isnull=True, deployment__isnull=False),
                name="citation_cites_exactly_one_record",
                violation_error_message="A citation supports exactly one request or one deployment.",
            ),
            models.CheckConstraint(
                condition=Q(credibility__gte=1, credibility__lte=6),
                name="citation_credibility_1_to_6",
                violation_error_message="Credibility is graded 1 (confirmed) to 6 (cannot be judged).",
            ),
        ]

    def __str__(self):
        return f"{self.source} [{self.source.reliability}{self.credibility}]"
