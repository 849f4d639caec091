from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "usefirst.cases"
    label = "cases"
    verbose_name = "典型案例"

    def ready(self) -> None:
        from . import policies  # noqa: F401  (registers access policies)
