from django.apps import AppConfig


class StatisticsConfig(AppConfig):
    name = "usefirst.statistics"
    label = "statistics"
    verbose_name = "统计与监测"
