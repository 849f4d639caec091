"""Status and choice lists of the evaluations (Chinese labels are what pages show)."""

from __future__ import annotations

from django.db import models


class EvaluationKind(models.TextChoices):
    AGENCY = "agency", "技术转移转化服务机构评价"
    UNIT = "unit", "成果单位量化评价"
    CITY = "city", "地市工作评价"


class EvaluationStatus(models.TextChoices):
    DRAFT = "draft", "方案草拟中"
    COMPUTING = "computing", "计算中"
    IN_REVIEW = "in_review", "审核中"
    PUBLICITY = "publicity", "公示中"
    PUBLISHED = "published", "已发布"
    SUPERSEDED = "superseded", "已由新版本取代"


EDITABLE = frozenset({EvaluationStatus.DRAFT})


class Direction(models.TextChoices):
    HIGHER = "higher", "越高越好"
    LOWER = "lower", "越低越好"


class Normalisation(models.TextChoices):
    MIN_MAX = "min_max", "极差标准化（最小-最大）"
    RANK = "rank", "位次标准化"


class Grade(models.TextChoices):
    EXCELLENT = "excellent", "优秀"
    PASS = "pass", "合格"
    FAIL = "fail", "不合格"


class CityOpinion(models.TextChoices):
    PENDING = "pending", "待地市预审"
    RECOMMENDED = "recommended", "地市推荐"
    NOT_RECOMMENDED = "not_recommended", "地市不推荐"
