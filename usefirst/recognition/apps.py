from django.apps import AppConfig


class RecognitionConfig(AppConfig):
    name = "usefirst.recognition"
    label = "recognition"
    verbose_name = "视同省级科技计划立项认定"

    def ready(self) -> None:
        from . import policies  # noqa: F401  (registers access policies)
