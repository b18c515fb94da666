"""What the system endpoints share: Chinese messages for a body's shape, its errors as one flat
map, attachments sent as base64 and the view every system endpoint is.

REST framework's own messages are English (its catalogue is kept out: config/settings.py), so
the bodies' serializers say theirs in Chinese (`ChineseSerializer`), and a nested body's errors
come back keyed by their path ("claims.1.amount_claimed"), as the problem's `errors`.
"""

import base64
import binascii

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext, gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.views import APIView

from api.problems import NON_FIELD, Problem
from api.system.auth import SYSTEM_AUTHENTICATION, SystemScope

COMMON = {
    "required": _("缺少此项。"),
    "null": _("此项不能为 null。"),
    "blank": _("此项不能为空。"),
    "invalid_choice": _("“{input}”不是可选的值。"),
    "max_length": _("不能超过{max_length}个字符。"),
    "min_length": _("不能少于{min_length}个字符。"),
    "max_value": _("不能大于{max_value}。"),
    "min_value": _("不能小于{min_value}。"),
    "max_digits": _("数字总位数不能超过{max_digits}位。"),
    "max_decimal_places": _("小数不能超过{max_decimal_places}位。"),
    "max_whole_digits": _("整数部分不能超过{max_whole_digits}位。"),
    "max_string_length": _("数值过大。"),
    "not_a_list": _("应为数组。"),
    "empty": _("不能为空。"),
    "not_a_dict": _("应为 JSON 对象。"),
}
LISTS = {"max_length": _("最多{max_length}项。"), "min_length": _("至少{min_length}项。"), "empty": _("不能为空数组。")}
INVALID = (
    (serializers.BooleanField, _("应为 true 或 false。")),
    (serializers.IntegerField, _("应为整数。")),
    (serializers.DecimalField, _("应为数字，如 1500.00。")),
    (serializers.DateField, _("日期格式不正确，应为 2026-11-02 这样的格式。")),
    (serializers.BaseSerializer, _("应为 JSON 对象。")),
    (serializers.CharField, _("应为文本。")),
)


def localise(field) -> None:
    """Put the Chinese messages on `field` (and on the items of a list of them)."""
    messages = {key: text for key, text in COMMON.items() if key in field.error_messages}
    if isinstance(field, serializers.ListField | serializers.ListSerializer):
        messages.update({key: text for key, text in LISTS.items() if key in field.error_messages})
    for kind, text in INVALID:
        if isinstance(field, kind) and "invalid" in field.error_messages:
            messages["invalid"] = text
            break
    field.error_messages = {**field.error_messages, **messages}
    child = getattr(field, "child", None)
    if child is not None and not isinstance(child, ChineseSerializer):
        localise(child)


class ChineseSerializer(serializers.Serializer):
    def get_fields(self):
        fields = super().get_fields()
        for field in fields.values():
            localise(field)
        return fields

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        localise(self)


def flat_errors(errors, prefix: str = "") -> dict[str, list[str]]:
    """A serializer's nested errors keyed by path: {"worker.resident_id": [...], "claims.0.amount_claimed": [...]}."""
    flat: dict[str, list[str]] = {}
    if isinstance(errors, dict):
        for key, value in errors.items():
            if key == "non_field_errors":  # the whole body's, or a nested object's or list's own
                name = prefix or NON_FIELD
            else:
                name = f"{prefix}.{key}" if prefix else str(key)
            flat.update(flat_errors(value, name))
    elif isinstance(errors, list) and all(isinstance(item, str) for item in errors):
        if errors:
            flat[prefix or NON_FIELD] = [str(item) for item in errors]
    elif isinstance(errors, list):
        for index, item in enumerate(errors):
            if item:
                flat.update(flat_errors(item, f"{prefix}.{index}" if prefix else str(index)))
    else:
        flat[prefix or NON_FIELD] = [str(errors)]
    return flat


def intake_errors(errors: dict[str, list[str]]) -> dict[str, list[str]]:
    """The intake's errors ("worker-resident_id", "claims-0-amount_claimed", "__all__") keyed as
    the body's paths ("worker.resident_id", "claims.0.amount_claimed", non_field_errors)."""
    return {(NON_FIELD if key == "__all__" else key.replace("-", ".")): [str(m) for m in messages]
            for key, messages in errors.items()}


def invalid(errors: dict[str, list[str]]) -> Problem:
    detail = "；".join(message.rstrip("。") for messages in errors.values() for message in messages) + "。"
    return Problem("invalid", detail, errors=errors)


def checked(serializer_class, data) -> dict:
    """The body checked by `serializer_class`; a 422 problem, its errors keyed by path, when it is wrong."""
    if not isinstance(data, dict):
        raise Problem("invalid", gettext("请求体应为 JSON 对象。"))
    serializer = serializer_class(data=data)
    if not serializer.is_valid():
        raise invalid(flat_errors(serializer.errors))
    return serializer.validated_data


@extend_schema_field(OpenApiTypes.BYTE)
class Base64Field(serializers.CharField):
    """A file's content in base64 (RFC 4648, with or without line breaks)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("trim_whitespace", True)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        text = "".join(super().to_internal_value(data).split())
        try:
            return base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            raise serializers.ValidationError(gettext("文件内容应为 base64 编码。")) from None


class FileSerializer(ChineseSerializer):
    """A file sent in the JSON body: its name and its content in base64."""

    name = serializers.CharField(max_length=200, help_text=_("文件名，如“劳动合同.pdf”"))
    content = Base64Field(help_text=_("文件内容（base64）；PDF、JPEG 或 PNG，按内容识别，大小不超过上传上限"))

    class Meta:
        ref_name = "AttachedFile"


def uploaded(file: dict) -> SimpleUploadedFile:
    """A file of the body as an upload the services check (kind by content, size)."""
    return SimpleUploadedFile(file["name"], file["content"])


class SystemView(APIView):
    """A system endpoint: system clients only, each endpoint with its scope for reading
    (`read_scope`) and for writing (`write_scope`); rate-limited per client."""

    authentication_classes = SYSTEM_AUTHENTICATION
    permission_classes = [SystemScope]
    read_scope = ""
    write_scope = ""

    @property
    def client(self):
        return self.request.auth.client
