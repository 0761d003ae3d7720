"""What requests and deployments share: the published flag, its rule (no record without a source), record keys."""

import uuid

from django.core.exceptions import ValidationError
from django.db import models

from .history import each_in_its_revision
from .sources import Citation


class PublishableQuerySet(models.QuerySet):
    def cited_condition(self):
        return models.Exists(Citation.objects.filter(**{self.model.citation_field: models.OuterRef("pk")}))

    def published(self):
        """What the public sees: published, and cited (even if a write bypassed validation)."""
        return self.filter(self.cited_condition(), published=True)

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
    obj.save(update_fields=["published", "updated_at"])


class Publishable(models.Model):
    """Shared by requests and deployments: notes, the published flag and its rule."""

    notes = models.TextField("public notes", blank=True)
    internal_notes = models.TextField(blank=True, help_text="Curators only; never shown publicly.")
    published = models.BooleanField(default=False, help_text="Drafts never show outside the admin.")
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
    updated_at = models.DateTimeField(auto_now=True)

    # Set by an admin form to the number of citations it is about to save, so the
    # rule below sees citations added in the same submission.
    pending_citation_count = None

    class Meta:
        abstract = True

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
