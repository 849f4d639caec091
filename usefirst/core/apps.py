from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "usefirst.core"
    label = "core"
    verbose_name = "公共"

    def ready(self) -> None:
        from . import lookups  # noqa: F401 (registers `one_of` on every field)
