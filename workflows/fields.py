"""Form fields every page uses for what people type: amounts in yuan, free text and dates,
held to the bounds of cases.rules.bounds, with Chinese messages naming the field.

- `YuanField`: decimal text only (`1e6`, `NaN` refused), at most two decimals, within
  0 (or `min_value`) … ¥100,000,000. Every money input of the staff pages is one.
- `text_field`: a CharField with its limit (facts 5,000 characters, reasons 2,000 …).
- `BoundedDateField`: no date before 1950-01-01 or more than ten years ahead; `past=True`
  for what has already happened (employment start).
"""

from decimal import Decimal

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from cases.rules.bounds import (
    AMOUNT_MAX,
    TEXT_MAX,
    date_error,
    decimal_from_text,
    text_error,
)


def _with_label(message, label):
    return format_lazy(message, label=label)


class YuanField(forms.DecimalField):
    """An amount in yuan to the fen, typed as plain decimal text."""

    def __init__(self, *, label=None, min_value=Decimal("0.00"), error_messages=None, **kwargs):
        kwargs.setdefault("max_value", AMOUNT_MAX)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("max_digits", 11)  # 100,000,000.00
        name = label or _("金额")
        messages = {
            "invalid": _with_label(_("{label}不是有效的金额：请只填写数字和小数点，如 12000.00（不能使用科学计数法）。"), name),
            "min_value": _with_label(_("{label}须大于零。") if min_value and min_value > 0
                                     else _("{label}不能为负数。"), name),
            "max_value": _with_label(_("{label}不能超过100,000,000元（一亿元），请核对金额。"), name),
            "max_digits": _with_label(_("{label}不能超过100,000,000元（一亿元），请核对金额。"), name),
            "max_whole_digits": _with_label(_("{label}不能超过100,000,000元（一亿元），请核对金额。"), name),
            "max_decimal_places": _with_label(_("{label}以元为单位，最多保留两位小数（到分）。"), name),
        }
        super().__init__(label=label, min_value=min_value, error_messages={**messages, **(error_messages or {})},
                         **kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            return value
        amount = decimal_from_text(value)
        if amount is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return amount

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if isinstance(widget, forms.NumberInput):
            attrs.setdefault("max", str(AMOUNT_MAX))
        return attrs


class BoundedTextField(forms.CharField):
    """Free text of at most `limit` characters, refused with the same message as the model's."""

    def __init__(self, *, limit: int = TEXT_MAX, **kwargs):
        self.limit = limit  # before super(): widget_attrs reads it
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if not widget.is_hidden:
            attrs["maxlength"] = str(self.limit)
        return attrs

    def validate(self, value):
        super().validate(value)
        if message := text_error(value, label=self.label or _("内容"), limit=self.limit):
            raise forms.ValidationError(message, code="max_length")


def text_field(label, *, limit: int = TEXT_MAX, rows: int | None = 3, required: bool = True,
               required_message=None, error_messages=None, **kwargs) -> BoundedTextField:
    """Free text of at most `limit` characters (a Textarea of `rows` rows; `rows=None` for one line)."""
    messages = {"required": required_message} if required_message else {}
    if rows is not None:
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": rows}))
    return BoundedTextField(label=label, required=required, limit=limit,
                            error_messages={**messages, **(error_messages or {})}, **kwargs)


class BoundedDateField(forms.DateField):
    """A date within sensible years; `past=True`: not after today either."""

    def __init__(self, *args, past: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.past = past

    def validate(self, value):
        super().validate(value)
        if message := date_error(value, label=self.label or _("日期"), past=self.past):
            raise forms.ValidationError(message, code="date_bounds")
