from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "usefirst.contracts"
    label = "contracts"
    verbose_name = "先用后转合同"

    def ready(self) -> None:
        from usefirst.core import hash_chain

        from . import policies  # noqa: F401  (registers access policies)
        from .signing import trust_roots_pem

        # The hash chains' head signatures are checked against the platform CA's roots.
        hash_chain.trust_roots_provider = trust_roots_pem
