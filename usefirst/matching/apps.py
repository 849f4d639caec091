from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "usefirst.matching"
    label = "matching"
    verbose_name = "检索与匹配"

    def ready(self) -> None:
        from . import checks, signals  # noqa: F401 (checks registers itself)

        signals.connect()
