"""The Chinese pages' formats (config/formats/zh_Hans): amounts with thousands separators, and
date fields whose value a browser's date input can show (a default of today was an empty field)."""

from datetime import date, datetime
from decimal import Decimal

from django import forms
from django.template import Context, Template
from django.utils import translation


class Dated(forms.Form):
    on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), initial=date(2026, 12, 7))
    at = forms.DateTimeField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
                             initial=datetime(2026, 12, 7, 9, 30))


def test_date_fields_render_their_value_as_the_browser_reads_it():
    with translation.override("zh-hans"):
        form = Dated()
        assert 'value="2026-12-07"' in str(form["on"])
        assert 'value="2026-12-07T09:30"' in str(form["at"])


def test_dates_typed_the_chinese_ways_are_still_read():
    with translation.override("zh-hans"):
        for typed in ("2026-12-07", "2026/12/07"):
            form = Dated({"on": typed, "at": "2026-12-07T09:30"})
            assert form.is_valid(), form.errors
            assert form.cleaned_data["on"] == date(2026, 12, 7)


def test_amounts_are_grouped_by_thousands_on_chinese_pages():
    with translation.override("zh-hans"):
        rendered = Template('¥{{ amount|floatformat:"2g" }}').render(Context({"amount": Decimal("8000")}))
    assert rendered == "¥8,000.00"
