from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "usefirst.evaluation"
    label = "evaluation"
    verbose_name = "评价与优秀名单"

    def ready(self) -> None:
        from . import policies  # noqa: F401  (registers access policies)
