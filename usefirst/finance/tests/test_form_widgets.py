"""The receipt form's date and bank slip fields speak Chinese whatever the browser's language."""

import re

from django.urls import reverse


def test_the_receipt_form_offers_a_chinese_date_field_and_file_picker(client, contract, owner):
    client.force_login(owner)
    body = client.get(reverse("finance:receipt_create", args=[contract.pk])).content.decode()
    assert re.search(r'<input id="received_on" type="text"[^>]*pattern="\\d\{4\}-\\d\{2\}-\\d\{2\}"[^>]*data-date-picker', body)
    assert 'type="date"' not in body
    assert '<label for="slip" class="button secondary file-picker-button">选择文件</label>' in body
    assert "未选择文件" in body
    assert "单笔 50,000.00 元及以上须上传" in body
