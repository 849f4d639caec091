"""Excel (.xlsx) in and out: exports with Chinese file names, and a careful reader for imports.

Uploads are checked before openpyxl touches them: size cap, a real OOXML zip with a
spreadsheet workbook (not a CSV or a renamed document), no macros (.xlsm / vbaProject.bin),
and a cap on the uncompressed size so that a zip bomb is refused. Row-level problems are
collected as `RowError`s; an import with any of them raises `ImportRowsInvalid` (422), which
pages show as a table and the API as problem+json with `errors: [{row, column, message}]`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import IO, Any
from urllib.parse import quote

from django.http import HttpResponse

from .errors import DomainError
from .money import EXCEL_CNY_FORMAT, to_cny

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_WORKBOOK_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
_MACRO_MAINS = (
    "application/vnd.ms-excel.sheet.macroenabled.main+xml",
    "application/vnd.ms-excel.template.macroenabled.main+xml",
    "application/vnd.ms-excel.addin.macroenabled.main+xml",
)
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
DEFAULT_MAX_ROWS = 5000
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_CELL_CHARS = 5000


# ---------------------------------------------------------------- writing


@dataclass(frozen=True)
class SheetSpec:
    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence[Any]]
    column_width: int = 18


def _cell_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.datetime):
        # Times are stored in UTC; spreadsheets show local (Asia/Shanghai) times without zone.
        from django.utils import timezone

        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, Decimal):
        return to_cny(value)
    if isinstance(value, dt.date | int | float):
        return value
    text = str(value)
    # Formula injection: text that a spreadsheet would evaluate is written as text.
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        text = "'" + text
    return text


def write_workbook(sheets: Sequence[SheetSpec]) -> bytes:
    """An .xlsx with one sheet per spec; header row bold and frozen."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    for spec in sheets:
        sheet = workbook.create_sheet(title=spec.title[:31])
        sheet.freeze_panes = "A2"
        for index in range(1, len(spec.headers) + 1):
            sheet.column_dimensions[get_column_letter(index)].width = spec.column_width
        header_cells = []
        for header in spec.headers:
            cell = WriteOnlyCell(sheet, value=header)
            cell.font = bold
            header_cells.append(cell)
        sheet.append(header_cells)
        for row in spec.rows:
            values = []
            for value in row:
                cell = WriteOnlyCell(sheet, value=_cell_value(value))
                if isinstance(cell.value, Decimal):
                    # Amounts stay numbers a finance officer can add up; the header carries （元）.
                    cell.number_format = EXCEL_CNY_FORMAT
                elif isinstance(cell.value, dt.date):
                    cell.number_format = "yyyy-mm-dd hh:mm" if isinstance(cell.value, dt.datetime) else "yyyy-mm-dd"
                values.append(cell)
            sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_xlsx(headers: Sequence[str], rows: Iterable[Sequence[Any]], sheet_title: str = "数据") -> bytes:
    return write_workbook([SheetSpec(sheet_title, headers, rows)])


def content_disposition(filename: str) -> str:
    """attachment with an ASCII fallback and the real (Chinese) name per RFC 5987/6266."""
    fallback = "".join(c if c.isascii() and (c.isalnum() or c in "._-") else "_" for c in filename) or "download.xlsx"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def xlsx_response(
    filename: str,
    content: bytes | None = None,
    *,
    headers: Sequence[str] | None = None,
    rows: Iterable[Sequence[Any]] | None = None,
    sheet_title: str = "数据",
) -> HttpResponse:
    """A download response: either ready bytes or headers+rows written here."""
    if content is None:
        content = write_xlsx(headers or [], rows or [], sheet_title)
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ---------------------------------------------------------------- reading


@dataclass(frozen=True)
class RowError:
    row: int  # spreadsheet row number as Excel shows it (header is row 1)
    column: str  # header text (Chinese), or "" for the whole row
    message: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class ImportRowsInvalid(DomainError):
    """Some rows are wrong: nothing was imported."""

    status = 422
    default_code = "import_rows_invalid"

    def __init__(self, errors: Sequence[RowError], *, detail: str | None = None) -> None:
        self.row_errors = list(errors)
        rows = len({e.row for e in self.row_errors})
        super().__init__(
            detail or f"文件中有 {rows} 行存在错误，共 {len(self.row_errors)} 处，未导入任何数据。请修改后重新上传。"
        )

    def as_problem(self) -> dict[str, Any]:
        problem = super().as_problem()
        problem["errors"] = [e.as_dict() for e in self.row_errors]
        return problem


class UploadRefused(DomainError):
    status = 400
    default_code = "upload_refused"


@dataclass(frozen=True)
class UploadedWorkbook:
    name: str
    content: bytes
    sha256: str

    @property
    def size(self) -> int:
        return len(self.content)


def _read_all(file: IO[bytes] | Any, max_bytes: int) -> bytes:
    size = getattr(file, "size", None)
    if size is not None and size > max_bytes:
        raise UploadRefused(f"文件过大：不能超过 {max_bytes // (1024 * 1024)} MB", code="file_too_large", status=413)
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise UploadRefused(f"文件过大：不能超过 {max_bytes // (1024 * 1024)} MB", code="file_too_large", status=413)
    return bytes(data)


def accept_xlsx(file: Any, *, max_bytes: int = DEFAULT_MAX_BYTES) -> UploadedWorkbook:
    """Read an upload and make sure it really is a macro-free .xlsx workbook."""
    if file is None:
        raise UploadRefused("请选择要上传的 Excel 文件（.xlsx）", code="file_missing")
    name = str(getattr(file, "name", "") or "upload.xlsx")
    lower = name.lower()
    if lower.endswith((".xlsm", ".xltm", ".xlam")):
        raise UploadRefused("不接受含宏的 Excel 文件（.xlsm），请另存为“Excel 工作簿（.xlsx）”后上传", code="file_macro")
    if not lower.endswith(".xlsx"):
        raise UploadRefused("只接受 Excel 工作簿（.xlsx）文件，请使用下载的模板填写", code="file_type")
    data = _read_all(file, max_bytes)
    if not data:
        raise UploadRefused("上传的文件是空的", code="file_empty")
    not_xlsx = UploadRefused(
        "文件内容不是有效的 Excel 工作簿（.xlsx）：请勿把 CSV、WPS 或旧版 .xls 文件改名上传，请用 Excel 另存为 .xlsx",
        code="file_not_xlsx",
    )
    if not data.startswith(b"PK\x03\x04"):
        raise not_xlsx
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = {info.filename: info for info in archive.infolist()}
            if sum(info.file_size for info in members.values()) > MAX_UNCOMPRESSED_BYTES:
                raise UploadRefused("文件解压后过大，已拒绝", code="file_too_large", status=413)
            if "[Content_Types].xml" not in members or "xl/workbook.xml" not in members:
                raise not_xlsx
            content_types = archive.read("[Content_Types].xml").decode("utf-8", "replace").lower()
    except zipfile.BadZipFile as exc:
        raise not_xlsx from exc
    if "xl/vbaProject.bin" in members or any(kind in content_types for kind in _MACRO_MAINS):
        raise UploadRefused("文件包含宏，已拒绝。请另存为不含宏的“Excel 工作簿（.xlsx）”后上传", code="file_macro")
    if _WORKBOOK_MAIN not in content_types:
        raise not_xlsx
    return UploadedWorkbook(name=name, content=data, sha256=hashlib.sha256(data).hexdigest())


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def iter_rows(
    workbook: UploadedWorkbook,
    columns: Mapping[str, str],
    *,
    required_headers: Iterable[str] = (),
    max_rows: int = DEFAULT_MAX_ROWS,
    sheet_title: str | None = None,
) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield (row number, {key: value}) for each non-empty data row of the first sheet (or the
    named one). `columns` maps header text → key; headers may carry a trailing “*”. Missing
    headers in `required_headers` (header text) are refused before any row is read."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(workbook.content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on damaged files
        raise UploadRefused("无法读取该 Excel 文件，文件可能已损坏", code="file_unreadable") from exc
    try:
        sheet = book[sheet_title] if sheet_title is not None and sheet_title in book.sheetnames else book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header_row = next(rows, None)
        if header_row is None:
            raise UploadRefused("工作表是空的：第 1 行应为表头", code="file_no_header")
        normalised = {text.rstrip("*＊").strip(): key for text, key in columns.items()}
        positions: dict[int, str] = {}
        seen: set[str] = set()
        for index, cell in enumerate(header_row):
            header = str(cell).strip().rstrip("*＊").strip() if cell is not None else ""
            if header in normalised:
                positions[index] = normalised[header]
                seen.add(header)
        missing = [h.rstrip("*＊").strip() for h in required_headers if h.rstrip("*＊").strip() not in seen]
        if missing:
            raise UploadRefused(
                "表头缺少必需的列：" + "、".join(missing) + "。请使用平台下载的模板，不要修改第 1 行表头",
                code="file_headers",
            )
        count = 0
        for number, values in enumerate(rows, start=2):
            record = {key: _clean(values[index]) for index, key in positions.items() if index < len(values)}
            if all(v is None for v in record.values()):
                continue
            count += 1
            if count > max_rows:
                raise UploadRefused(f"数据行数超过上限：单个文件最多 {max_rows} 行，请拆分后分批导入", code="too_many_rows")
            yield number, record
    finally:
        book.close()


# ---------------------------------------------------------------- cell parsing helpers


class CellError(ValueError):
    """A cell's value is wrong; the message is Chinese and shown to the user."""


TRUE_WORDS = frozenset({"是", "有", "y", "yes", "true", "1", "√"})
FALSE_WORDS = frozenset({"否", "无", "n", "no", "false", "0", "×"})


def parse_bool(value: Any, *, default: bool | None = None) -> bool:
    if value is None:
        if default is None:
            raise CellError("此项为必填项，请填写“是”或“否”")
        return default
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise CellError(f"应填写“是”或“否”，而不是“{value}”")


def parse_date(value: Any) -> dt.date:
    """A date cell, or text as 2023-11-25, 2023/11/25, 2023.11.25 or 2023年11月25日."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float):
        raise CellError("日期格式不正确：请设置为日期格式，或填写如 2023-11-25")
    text = str(value).strip()
    for char in ("年", "月", "/", "."):
        text = text.replace(char, "-")
    text = text.replace("日", "")
    try:
        year, month, day = (int(p) for p in text.split("-"))
        return dt.date(year, month, day)
    except (ValueError, TypeError) as exc:
        raise CellError(f"日期“{value}”无效：请填写如 2023-11-25") from exc


def parse_int(value: Any, *, minimum: int | None = None, maximum: int | None = None) -> int:
    if isinstance(value, bool):
        raise CellError("应为整数")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError) as exc:
        raise CellError(f"应为整数，而不是“{value}”") from exc
    if minimum is not None and maximum is not None and not minimum <= number <= maximum:
        raise CellError(f"应在 {minimum} 到 {maximum} 之间")
    if minimum is not None and number < minimum:
        raise CellError(f"不能小于 {minimum}")
    if maximum is not None and number > maximum:
        raise CellError(f"不能大于 {maximum}")
    return number


def parse_text(value: Any, *, max_length: int = MAX_CELL_CHARS) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if len(text) > max_length:
        raise CellError(f"内容过长：不能超过 {max_length} 个字符（当前 {len(text)} 个）")
    from django.core.exceptions import ValidationError

    from .text import reject_control_characters

    try:
        reject_control_characters(text)
    except ValidationError as exc:
        raise CellError(exc.messages[0]) from exc
    return text
