from django.apps import AppConfig


class SimulatorConfig(AppConfig):
    name = "usefirst.simulator"
    label = "simulator"
    verbose_name = "付款方式模拟"
