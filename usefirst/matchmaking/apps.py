from django.apps import AppConfig


class MatchmakingConfig(AppConfig):
    name = "usefirst.matchmaking"
    label = "matchmaking"
    verbose_name = "对接"

    def ready(self) -> None:
        from . import policies  # noqa: F401  (registers access policies)
