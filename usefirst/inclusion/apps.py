from django.apps import AppConfig


class InclusionConfig(AppConfig):
    name = "usefirst.inclusion"
    label = "inclusion"
    verbose_name = "验收满三年未转化成果的自动纳入"

    def ready(self) -> None:
        from . import policies  # noqa: F401  (registers access policies)
