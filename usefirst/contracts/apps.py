from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "usefirst.contracts"
    label = "contracts"
    verbose_name = "先用后转合同"

    def ready(self) -> None:
        from . import policies  # noqa: F401  (registers access policies)
