from django.apps import AppConfig


class PolicyConfig(AppConfig):
    name = "usefirst.policy"
    label = "policy"
    verbose_name = "政策参数"
