from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "usefirst.core"
    label = "core"
    verbose_name = "公共"

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        from . import lookups  # noqa: F401 (registers `one_of` on every field)

        # Each app declares its state machines in `workflows.py` (usefirst/core/workflow.py).
        autodiscover_modules("workflows")
        # Each app connects its answers to the hooks of the apps below it in `hooks.py` (usefirst/core/hooks.py).
        autodiscover_modules("hooks")
