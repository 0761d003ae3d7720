"""What requests and deployments share: the published flag, its rule (no record without a source), record keys,
and when a record was first published (what feeds sort by)."""

import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.signals import pre_save
from django.utils import timezone

from .history import each_in_its_revision
from .sources import Citation


class PublishableQuerySet(models.QuerySet):
    def cited_condition(self):
        return models.Exists(Citation.objects.filter(**{self.model.citation_field: models.OuterRef("pk")}))

    def published(self):
        """What the public sees: published, and cited (even if a write bypassed validation)."""
        return self.filter(self.cited_condition(), published=True)

    def leading(self, n):
        """The first n rows in this queryset's order, as for_list() shows them: their ids first, then their columns
        and relations by id. Planned together, for_list()'s seven-table join and a filter such as asking_for()
        took PostgreSQL 70 ms for 20 rows at 1,000,000 requests; the ids alone take 13."""
        ids = list(self.values_list("pk", flat=True)[:n])
        rows = self.model.objects.filter(pk__in=ids).for_list()
        return rows.order_by(*self.query.order_by) if self.query.order_by else rows  # else Meta.ordering

    def latest_published_first(self):
        """The feeds' order: the most recently (first) published first, read from index *_published_at_idx.

        `published` leads although every row here is published: neither database treats the filter on a
        boolean as fixing the index's first column, and both sort every row without it.
        """
        return self.order_by("-published", "-published_at", "-id")

    def uncited(self):
        return self.exclude(self.cited_condition())

    def publish(self, user=None):
        """Publish each cited draft here, each in a revision of its own (by user), so each can be reverted alone.

        Returns (number published, list of drafts refused for lack of a citation).
        """
        drafts = list(self.filter(published=False).annotate(is_cited=self.cited_condition()))
        cited = [obj for obj in drafts if obj.is_cited]
        each_in_its_revision(cited, lambda obj: set_published(obj, True), user, "Published")
        return len(cited), [obj for obj in drafts if not obj.is_cited]

    def unpublish(self, user=None):
        published = list(self.filter(published=True))
        each_in_its_revision(published, lambda obj: set_published(obj, False), user, "Unpublished")
        return len(published)


def set_published(obj, value):
    obj.published = value
    stamp_first_publication(obj)
    obj.save(update_fields=["published", "published_at", "updated_at"])


def stamp_first_publication(obj, now=None):
    """A record published for the first time gets its published_at; it keeps it for good (unpublished too).

    Every path that publishes passes here: model validation (clean), every ORM save (the pre_save signal,
    raw saves included), and the bulk writers, which send no signal and call it themselves.
    """
    if obj.published and obj.published_at is None:
        obj.published_at = now or timezone.now()


def first_publication_on_save(sender, instance, raw=False, **kwargs):
    """pre_save: stamp_first_publication(), also for raw saves (a revert of a revision written before the field
    existed restores published without published_at: the stored time is kept then, not replaced by now)."""
    if raw and instance.published and instance.published_at is None and instance.pk is not None:
        stored = sender._base_manager.filter(pk=instance.pk).values_list("published_at", flat=True)
        instance.published_at = next(iter(stored), None)
    stamp_first_publication(instance)


def connect_signals():
    """Called from TrackerConfig.ready(), for every concrete Publishable model."""
    for model in Publishable.__subclasses__():
        pre_save.connect(first_publication_on_save, sender=model, dispatch_uid=f"first_publication_{model.__name__}")


def first_publication_constraint(prefix):
    """Published implies a published_at (a draft may keep the one it had: first publication is for good)."""
    return models.CheckConstraint(
        condition=models.Q(published=False) | models.Q(published_at__isnull=False),
        name=f"{prefix}_published_has_published_at",
        violation_error_message="A published record says when it was first published (published_at).",
    )


def first_publication_index(prefix):
    """For latest_published_first(): the feeds read the latest published rows from it, newest first. The id
    breaks ties (a bulk import publishes thousands at one time), so no sort is needed even then."""
    return models.Index(fields=["published", "published_at", "id"], name=f"{prefix}_published_at_idx")


class Publishable(models.Model):
    """Shared by requests and deployments: notes, the published flag and its rule."""

    notes = models.TextField("public notes", blank=True)
    internal_notes = models.TextField(blank=True, help_text="Curators only; never shown publicly.")
    published = models.BooleanField(default=False, help_text="Drafts never show outside the admin.")
    published_at = models.DateTimeField(
        "first published",
        null=True,
        blank=True,
        editable=False,
        help_text="When the record was first published: it enters the Atom feeds then. Kept if unpublished.",
    )
    uid = models.UUIDField(
        "record key",
        default=uuid.uuid4,
        unique=True,
        editable=False,
        help_text="Stable across databases: CSV exports carry it, so re-importing one updates, never duplicates.",
    )
    external_id = models.CharField(
        max_length=120,
        null=True,
        blank=True,
        unique=True,
        help_text="Stable key from an import or the demo load (e.g. sipri:12345); empty for hand-entered records.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)  # also set by bulk imports (intake/writing.py) and generate_data

    # Set by an admin form to the number of citations it is about to save, so the
    # rule below sees citations added in the same submission.
    pending_citation_count = None

    class Meta:
        abstract = True

    @property
    def changed_at(self):
        """When the record was last changed (saved by a curator or an import; a revert restores the time of the
        version it restores, to the millisecond): what the pages, the API (last_changed) and the CSV call
        "last changed", beside published_at ("first published")."""
        return self.updated_at

    # Summaries of the (prefetched) citations, for lists and CSV rows.
    def cited_sources(self):
        return list(dict.fromkeys(c.source for c in self.citations.all()))

    @property
    def best_reliability(self):
        return min((c.source.reliability for c in self.citations.all()), default="")

    @property
    def best_credibility(self):
        return min((c.credibility for c in self.citations.all()), default=None)

    def has_citation(self):
        if self.pending_citation_count is not None:
            return self.pending_citation_count > 0
        return self.pk is not None and self.citations.exists()

    def clean(self):
        if self.published and not self.has_citation():
            raise ValidationError(
                {"published": "Cite at least one source before publishing; save it as a draft until then."}
            )
        stamp_first_publication(self)
