from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "usefirst.notifications"
    label = "notifications"
    verbose_name = "通知"
