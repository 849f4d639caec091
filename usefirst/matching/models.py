"""The search index and the matches: one document per published, unrestricted catalog item.

`SearchDocument` has no foreign key to the catalog on purpose: the offline evaluation
(`match_eval`) builds the same table in a temporary database without the rest of the schema,
and a document row is deleted by the same code path that hides the item.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone


class ItemKind(models.TextChoices):
    ACHIEVEMENT = "achievement", "科技成果"
    DEMAND = "demand", "技术需求"


class SearchDocument(models.Model):
    kind = models.CharField(max_length=16, choices=ItemKind.choices)
    object_id = models.BigIntegerField()
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    keywords = models.JSONField(default=list, blank=True)
    # Title, keywords and body segmented for the index (tokens separated by spaces).
    segmented = models.TextField(blank=True)
    segmented_title = models.TextField(blank=True)
    field_code = models.CharField(max_length=16, blank=True)
    top_field_code = models.CharField(max_length=16, blank=True)
    field_name = models.CharField(max_length=64, blank=True)
    city = models.CharField(max_length=16, blank=True)
    county = models.CharField(max_length=32, blank=True)
    region = models.CharField(max_length=8, blank=True)
    trl = models.PositiveSmallIntegerField(null=True, blank=True)
    modes = models.JSONField(default=list, blank=True)
    unit_kind = models.CharField(max_length=32, blank=True)  # as long as Organisation.kind
    enterprise_size = models.CharField(max_length=16, blank=True)
    owner_id = models.BigIntegerField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    # What was encoded (title, keywords, first sentence) and its float32 vector.
    embedded_text = models.TextField(blank=True)
    embedding = models.BinaryField(null=True, blank=True)
    embedded_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "检索文档"
        verbose_name_plural = "检索文档"
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="matching_one_document_per_item"),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["kind", "top_field_code"]),
            # A kind's newest document; and the object ids of search hits, from the index alone.
            models.Index(fields=["kind", "id", "object_id"], name="matching_doc_kind_newest"),
            models.Index(fields=["kind", "embedded_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.object_id} {self.title}"


class Recommendation(models.Model):
    """A precomputed match from one catalog item to an item of the other kind, with why."""

    source_kind = models.CharField(max_length=16, choices=ItemKind.choices)
    source_id = models.BigIntegerField()
    target_id = models.BigIntegerField()
    rank = models.PositiveSmallIntegerField()
    score = models.FloatField()
    similarity = models.FloatField(null=True, blank=True)
    matched_terms = models.JSONField(default=list, blank=True)
    matched_fields = models.JSONField(default=list, blank=True)
    boosts = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)  # first recommended: what digests call new

    class Meta:
        verbose_name = "匹配推荐"
        verbose_name_plural = "匹配推荐"
        ordering: ClassVar[list[str]] = ["source_kind", "source_id", "rank"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["source_kind", "source_id", "target_id"], name="matching_one_recommendation_per_pair"
            ),
        ]
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["source_kind", "source_id", "rank"])]

    def __str__(self) -> str:
        return f"{self.source_kind} #{self.source_id} → #{self.target_id} ({self.rank})"

    @property
    def target_kind(self) -> str:
        return ItemKind.DEMAND if self.source_kind == ItemKind.ACHIEVEMENT else ItemKind.ACHIEVEMENT


class DigestDelivery(models.Model):
    """A person's digest of new matches for one business date and frequency (digests.py): the mark
    that it was sent, so that running the date again sends nothing twice, and the point up to which
    it covered the matches, where the person's next digest starts."""

    class Frequency(models.TextChoices):
        DAILY = "daily", "每日"
        WEEKLY = "weekly", "每周"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    frequency = models.CharField("频率", max_length=8, choices=Frequency.choices)
    business_date = models.DateField("业务日期")
    covered_until = models.DateTimeField("涵盖至")  # matches first made before this were in this digest or an earlier one
    matches = models.PositiveIntegerField("推荐条数", default=0)
    sent_at = models.DateTimeField("发送时间", default=timezone.now)

    class Meta:
        verbose_name = "匹配推荐摘要发送记录"
        verbose_name_plural = "匹配推荐摘要发送记录"
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["user", "frequency", "business_date"], name="matching_one_digest_per_date"),
        ]
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["user", "covered_until"])]

    def __str__(self) -> str:
        return f"{self.user_id} {self.frequency} {self.business_date}"


TERM_MAX_LENGTH = 200  # longer tokens (a pasted string of letters) are not counted: each is all but unique


class TermCount(models.Model):
    """How many documents of a kind held a token when the worker last counted (`term_counts`)."""

    kind = models.CharField(max_length=16, choices=ItemKind.choices)
    token = models.CharField(max_length=TERM_MAX_LENGTH)
    documents = models.PositiveIntegerField()

    class Meta:
        verbose_name = "词项文档频次"
        verbose_name_plural = "词项文档频次"
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["kind", "token"], name="matching_one_count_per_term"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.token}: {self.documents}"


class TermCountRun(models.Model):
    """The last count of a kind: which documents it covered (those up to `newest_document_id`)."""

    kind = models.CharField(max_length=16, choices=ItemKind.choices, unique=True)
    documents = models.PositiveIntegerField()
    newest_document_id = models.BigIntegerField()
    tokens = models.PositiveIntegerField()
    seconds = models.FloatField()
    counted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "词项计数批次"
        verbose_name_plural = "词项计数批次"

    def __str__(self) -> str:
        return f"{self.kind}: {self.documents} 篇, {self.tokens} 词 ({self.counted_at:%Y-%m-%d %H:%M})"
