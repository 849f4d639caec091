from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "usefirst.core"
    label = "core"
    verbose_name = "公共"
