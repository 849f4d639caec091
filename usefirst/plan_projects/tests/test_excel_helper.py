import io
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from usefirst.core.excel import UploadRefused, accept_xlsx, iter_rows, write_xlsx, xlsx_response

from .builders import macro_workbook


def test_it_writes_a_workbook_that_reads_back_with_header_mapping():
    content = write_xlsx(["名称", "数量"], [["甲", 1], ["=cmd()", 2], [None, None], ["乙", 3]], "数据")
    workbook = accept_xlsx(SimpleUploadedFile("a.xlsx", content))
    rows = list(iter_rows(workbook, {"名称*": "name", "数量": "n"}, required_headers=["名称*"]))
    assert rows == [(2, {"name": "甲", "n": 1}), (3, {"name": "'=cmd()", "n": 2}), (5, {"name": "乙", "n": 3})]


def test_the_download_carries_the_chinese_file_name_per_rfc_5987():
    response = xlsx_response("省级科技计划项目.xlsx", headers=["a"], rows=[[1]])
    disposition = response["Content-Disposition"]
    assert "filename*=UTF-8''" + quote("省级科技计划项目.xlsx") in disposition
    assert 'filename="' in disposition
    assert load_workbook(io.BytesIO(response.content)).active.title == "数据"


def test_it_refuses_a_missing_header_before_reading_rows():
    workbook = accept_xlsx(SimpleUploadedFile("a.xlsx", write_xlsx(["别的列"], [["x"]])))
    with pytest.raises(UploadRefused) as exc:
        list(iter_rows(workbook, {"名称*": "name"}, required_headers=["名称*"]))
    assert "名称" in exc.value.detail


def test_it_caps_the_number_of_rows():
    workbook = accept_xlsx(SimpleUploadedFile("a.xlsx", write_xlsx(["名称"], [[str(i)] for i in range(11)])))
    with pytest.raises(UploadRefused) as exc:
        list(iter_rows(workbook, {"名称": "name"}, max_rows=10))
    assert exc.value.code == "too_many_rows"
    assert "10 行" in exc.value.detail


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("宏.xlsm", b"PK\x03\x04", "file_macro"),
        ("宏.xlsx", macro_workbook(), "file_macro"),
        ("表.xlsx", "名称,数量\n甲,1\n".encode(), "file_not_xlsx"),
        ("文档.xlsx", b"PK\x03\x04not really a zip", "file_not_xlsx"),
        ("表.csv", b"a,b", "file_type"),
        ("空.xlsx", b"", "file_empty"),
    ],
)
def test_it_refuses_what_is_not_a_plain_xlsx_in_chinese(name, content, code):
    with pytest.raises(UploadRefused) as exc:
        accept_xlsx(SimpleUploadedFile(name, content))
    assert exc.value.code == code
    assert any("\u4e00" <= ch <= "\u9fff" for ch in exc.value.detail)


def test_it_refuses_an_oversized_file():
    with pytest.raises(UploadRefused) as exc:
        accept_xlsx(SimpleUploadedFile("大.xlsx", b"PK\x03\x04" + b"0" * 2048), max_bytes=1024)
    assert exc.value.code == "file_too_large"
    assert exc.value.status == 413
    assert "文件过大" in exc.value.detail
