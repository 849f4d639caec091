from django.apps import AppConfig


class PlanProjectsConfig(AppConfig):
    name = "usefirst.plan_projects"
    label = "plan_projects"
    verbose_name = "省级科技计划项目与批量导入"

    def ready(self) -> None:
        from . import policies  # noqa: F401  (registers access policies)
