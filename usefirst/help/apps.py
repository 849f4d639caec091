from django.apps import AppConfig


class HelpConfig(AppConfig):
    name = "usefirst.help"
    label = "help"
    verbose_name = "帮助与导航"
