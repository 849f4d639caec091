from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "打印演示账号"

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write("演示账号：见 README")
