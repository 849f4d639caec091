"""Every form is drawn one way (templates/forms/): the label above its field, selects whose
blank choice reads 请选择, dates as 年-月-日 text inputs and a 选择文件 file picker — never the
browser's own English (“Choose File”, “No file chosen”, mm/dd/yyyy)."""

import datetime as dt
import re

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile

from usefirst.accounts.models import Organisation
from usefirst.core.forms import DateField, DateInput

ENGLISH_WIDGET_TEXT = (
    "Choose File",
    "No file chosen",
    "mm/dd/yyyy",
    "Currently",
    "Clear",
    "Change",
    "Select an option",
    "---------",
)


class ExampleForm(forms.Form):
    name = forms.CharField(label="名称", help_text="与证照一致")
    kind = Organisation._meta.get_field("kind").formfield(label="类型")
    organisation = forms.ModelChoiceField(label="机构", queryset=Organisation.objects.none(), required=False)
    signed_on = DateField(label="签订日期")
    deadline = forms.DateField(label="截止日期", widget=DateInput(min_date=dt.date(2026, 1, 1)))
    slip = forms.FileField(label="银行回单")
    licence = forms.FileField(label="营业执照", required=False, widget=forms.ClearableFileInput)
    agree = forms.BooleanField(label="同意", required=False)


def position(html: str, pattern: str) -> int:
    match = re.search(pattern, html)
    assert match, pattern
    return match.start()


def test_each_label_comes_before_its_field():
    html = str(ExampleForm())
    for name in ("name", "kind", "organisation", "signed_on", "deadline", "slip"):
        label = position(html, rf'<label for="id_{name}">')
        field = position(html, rf'<(input|select|textarea)[^>]*id="id_{name}"')
        assert label < field, name


def test_help_text_and_errors_sit_between_the_label_and_the_field_and_are_announced_with_it():
    html = str(ExampleForm(data={"kind": "university"}))
    assert (
        position(html, '<label for="id_name">') < position(html, 'id="id_name_helptext"') < position(html, 'id="id_name_error"')
    )
    assert position(html, 'id="id_name_error"') < position(html, '<input[^>]*id="id_name"')
    assert re.search(r'<input[^>]*aria-describedby="id_name_helptext id_name_error"[^>]*id="id_name"', html)
    assert re.search(r'<input[^>]*aria-invalid="true"[^>]*id="id_name"', html)


def test_the_blank_choice_of_every_select_reads_please_choose():
    html = str(ExampleForm())
    assert html.count('<option value="" selected>请选择</option>') == 2
    assert "---------" not in html and "Select an option" not in html


@pytest.mark.parametrize("text", ENGLISH_WIDGET_TEXT)
def test_no_widget_speaks_english(text):
    class WithInitialFile(ExampleForm):
        pass

    initial = SimpleUploadedFile("licence.pdf", b"%PDF")
    initial.url = "/files/licence.pdf"  # type: ignore[attr-defined]
    html = str(WithInitialFile(initial={"licence": initial}))
    assert text not in html
    assert "当前文件" in html and "删除该文件" in html


def test_a_date_is_a_text_input_for_year_month_day_that_the_calendar_script_picks_up():
    html = str(ExampleForm())
    tag = re.search(r'<input[^>]*id="id_signed_on"[^>]*>', html)
    assert tag
    assert 'type="text"' in tag.group() and 'type="date"' not in html
    assert r'pattern="\d{4}-\d{2}-\d{2}"' in tag.group()
    assert "data-date-picker" in tag.group() and "年-月-日" in tag.group()
    assert 'data-min-date="2026-01-01"' in html


def test_the_file_picker_is_a_labelled_button_with_the_chosen_names_beside_it():
    html = str(ExampleForm())
    picker = re.search(r'<span class="file-picker" data-file-picker>.*?</span>\s*</span>', html, re.S)
    assert picker
    assert re.search(r'<input type="file" name="slip" class="file-picker-input"[^>]*id="id_slip"', picker.group())
    assert '<label for="id_slip" class="button secondary file-picker-button">选择文件</label>' in picker.group()
    assert "未选择文件" in picker.group()


def test_a_date_is_read_as_year_month_day_and_refused_in_chinese():
    form = ExampleForm(data={"name": "甲", "kind": "university", "signed_on": "2026-06-15", "deadline": "06/15/2026"})
    form.is_valid()
    assert form.cleaned_data["signed_on"] == dt.date(2026, 6, 15)
    assert form.errors["deadline"] == ["输入一个有效的日期。"]
    form = ExampleForm(data={"signed_on": "2026-13-01"})
    assert form.errors["signed_on"] == ["请按“年-月-日”填写日期，例如 2026-06-15"]
