"""Backup and restore (core/backups.py): a restore onto a database that holds tables is refused
unless forced; a forced restore brings back the backed-up rows."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command


# transaction=True: SQLite's online backup waits while a test transaction holds the database
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_restore_onto_a_non_empty_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "usefirst.dump"
    call_command("db_backup", str(path))
    assert path.stat().st_size > 0
    with pytest.raises(CommandError, match=r"目标数据库非空.*--force"):
        call_command("db_restore", str(path))


@pytest.mark.django_db
def test_restore_of_a_missing_file_names_it(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="找不到备份文件"):
        call_command("db_restore", str(tmp_path / "missing.dump"), "--force")
