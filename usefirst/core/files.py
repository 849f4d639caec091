"""Files written to storage before the transaction that records them.

Slow file work (rendering, signing, storage I/O) is done before the short transaction that
writes the row referring to the file, so no database lock is held meanwhile. When that row is
not written (the transaction rolled back, the attempt was refused, or an equal row was recorded
meanwhile), the file is deleted again: storage never keeps a file no row refers to.

An enclosing transaction that rolls back after the block has ended is beyond this guard; the
services call it outside any transaction.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any


@dataclass
class FileWrite:
    """`file`: the stored file (a FieldFile, or anything with `.storage` and `.name`);
    `kept`: set once the row referring to it is written."""

    file: Any = None
    kept: bool = False


@contextmanager
def file_kept_only_with_its_row() -> Iterator[FileWrite]:
    write = FileWrite()
    try:
        yield write
    except BaseException:
        write.kept = False
        raise
    finally:
        if write.file is not None and write.file.name and not write.kept:
            write.file.storage.delete(write.file.name)
