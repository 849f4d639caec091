from django.apps import AppConfig

BLANK_CHOICE_LABEL = "请选择"


class CoreConfig(AppConfig):
    name = "usefirst.core"
    label = "core"
    verbose_name = "公共"

    def ready(self) -> None:
        from django.db.models import fields
        from django.utils.module_loading import autodiscover_modules

        from . import lookups  # noqa: F401 (registers `one_of` on every field)

        # The blank choice of every select drawn from a model field or a queryset (Django's
        # documented hook; its own label, “- Select an option -”, has no Chinese translation).
        fields.BLANK_CHOICE_LABEL = BLANK_CHOICE_LABEL

        # Each app declares its state machines in `workflows.py` (usefirst/core/workflow.py).
        autodiscover_modules("workflows")
        # Each app connects its answers to the hooks of the apps below it in `hooks.py` (usefirst/core/hooks.py).
        autodiscover_modules("hooks")
