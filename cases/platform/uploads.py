"""Uploaded files checked for what they are, not what they are called.

Every upload the federation accepts goes through `validate_upload`: the content is
recognised by its first bytes (PDF, JPEG, PNG; CSV and XLSX for data imports, where the
caller allows them), the size is bounded (settings `UPLOAD_MAX_BYTES`, 20 MiB by default, or
the caller's own limit), and the file name is reduced to a plain name whose suffix agrees
with the content — `x.svg.exe`, `../../etc/passwd` and a renamed executable are refused.

Use it as a form field (`UploadField(allowed=SCANS)`), as a validator on a model's
`FileField` (`UploadValidator(allowed=SCANS)`), or directly from a service.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
import zipfile

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from cases.rules.scans import SCAN_MAGIC

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
MAX_NAME_LENGTH = 120

PDF = "pdf"
JPEG = "jpeg"
PNG = "png"
CSV = "csv"
XLSX = "xlsx"

KIND_LABELS = {PDF: "PDF", JPEG: "JPEG", PNG: "PNG", CSV: "CSV", XLSX: "XLSX"}
KIND_SUFFIXES = {
    PDF: (".pdf",),
    JPEG: (".jpg", ".jpeg", ".jpe", ".jfif"),
    PNG: (".png",),
    CSV: (".csv", ".txt"),
    XLSX: (".xlsx", ".xlsm"),
}
SCANS = (PDF, JPEG, PNG)
TABLES = (CSV, XLSX)

# A name whose last suffix is one of these is refused whatever the content.
EXECUTABLE_SUFFIXES = frozenset({
    ".exe", ".com", ".bat", ".cmd", ".scr", ".pif", ".msi", ".msp", ".dll", ".cpl", ".sys",
    ".js", ".jse", ".vbs", ".vbe", ".wsf", ".wsh", ".hta", ".ps1", ".psm1", ".lnk", ".reg",
    ".sh", ".bash", ".jar", ".apk", ".app", ".dmg", ".deb", ".rpm", ".elf", ".bin", ".run",
    ".py", ".pl", ".php", ".asp", ".aspx", ".jsp", ".cgi", ".html", ".htm", ".xhtml", ".svg",
    ".docm", ".xlsb", ".pptm", ".iso", ".img",
})

_MAGIC = tuple((kind, magic) for kind, magic, _content_type in SCAN_MAGIC)
_ZIP_MAGIC = b"PK\x03\x04"
_SNIFF_BYTES = 64 * 1024
_UNSAFE_NAME_CHARS = re.compile(r'[\x00-\x1f\x7f<>:"|?*]')


def max_upload_bytes() -> int:
    return int(getattr(settings, "UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES))


def size_text(size: int) -> str:
    """20 MiB, 30.5 MiB, 512 KiB: a file size as people read it."""
    if size < 1024 * 1024:
        return f"{size / 1024:.1f}".removesuffix(".0") + " KiB"
    return f"{size / (1024 * 1024):.1f}".removesuffix(".0") + " MiB"


def _kinds_text(kinds) -> str:
    return "、".join(KIND_LABELS[kind] for kind in kinds)


def _read_head(upload, count: int) -> bytes:
    upload.seek(0)
    head = upload.read(count)
    upload.seek(0)
    return head if isinstance(head, bytes) else head.encode()


def _is_xlsx(upload) -> bool:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            return "[Content_Types].xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return False
    finally:
        upload.seek(0)


def _is_csv(head: bytes) -> bool:
    if not head.strip() or b"\x00" in head:
        return False
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    try:
        text = decoder.decode(head, final=False)  # the sniffed head may end inside a character
    except UnicodeDecodeError:
        return False
    return not any(unicodedata.category(char) == "Cc" and char not in "\t\r\n" for char in text)


def detect_kind(upload, allowed=SCANS) -> str | None:
    """The kind among `allowed` the file's content is, or None."""
    head = _read_head(upload, _SNIFF_BYTES)
    for kind, magic in _MAGIC:
        if kind in allowed and head.startswith(magic):
            return kind
    if XLSX in allowed and head.startswith(_ZIP_MAGIC) and _is_xlsx(upload):
        return XLSX
    if CSV in allowed and not head.startswith(_ZIP_MAGIC) and _is_csv(head):
        return CSV
    return None


def safe_filename(name: str, kind: str | None = None) -> str:
    """A plain file name: no folders, no control characters, an allowed last suffix.

    With `kind`, the suffix must be one of that kind's (a name without suffix gets one).
    """
    base = re.split(r"[\\/]", str(name or ""))[-1]
    base = unicodedata.normalize("NFC", _UNSAFE_NAME_CHARS.sub("", base)).strip().strip(".").strip()
    if not base:
        raise ValidationError(_("上传文件缺少文件名：请给文件起一个名字（如“授权书.pdf”）后重新上传。"),
                              code="upload_name")
    stem, dot, suffix = base.rpartition(".")
    suffix = f".{suffix.lower()}" if dot and stem else ""
    if suffix in EXECUTABLE_SUFFIXES:
        raise ValidationError(
            _("文件“%(name)s”是可执行文件或网页（%(suffix)s），不能上传：请上传扫描件或数据文件。"),
            code="upload_executable", params={"name": base, "suffix": suffix})
    if kind is not None:
        if not suffix:
            base, suffix = base + KIND_SUFFIXES[kind][0], KIND_SUFFIXES[kind][0]
        elif suffix not in KIND_SUFFIXES[kind]:
            raise ValidationError(
                _("文件“%(name)s”的后缀%(suffix)s与其内容（%(kind)s）不符：请以%(expected)s后缀上传原文件。"),
                code="upload_suffix",
                params={"name": base, "suffix": suffix, "kind": KIND_LABELS[kind],
                        "expected": KIND_SUFFIXES[kind][0]})
    if len(base) > MAX_NAME_LENGTH:
        keep = MAX_NAME_LENGTH - len(suffix)
        base = base[: len(base) - len(suffix)][:keep] + suffix
    return base


def _display_name(name: str) -> str:
    return _UNSAFE_NAME_CHARS.sub("", re.split(r"[\\/]", str(name or ""))[-1])[:MAX_NAME_LENGTH]


def validate_upload(upload, *, allowed=SCANS, max_bytes: int | None = None) -> str:
    """Check one uploaded file; return its kind. Raises ValidationError in Chinese."""
    limit = max_bytes if max_bytes is not None else max_upload_bytes()
    name = getattr(upload, "name", "") or ""
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, 2)
        size = upload.tell()
        upload.seek(0)
    if size == 0:
        raise ValidationError(_("上传的文件“%(name)s”是空文件：请重新选择文件。"),
                              code="upload_empty", params={"name": _display_name(name)})
    if size > limit:
        raise ValidationError(
            _("文件“%(name)s”大小为%(size)s，超过上限%(limit)s：请降低扫描分辨率、压缩或分拆后重新上传。"),
            code="upload_size",
            params={"name": _display_name(name), "size": size_text(size), "limit": size_text(limit)})
    clean_name = safe_filename(name)  # refuses paths-only names and executables before sniffing
    kind = detect_kind(upload, allowed)
    if kind is None:
        raise ValidationError(
            _("文件“%(name)s”的内容不是%(kinds)s文件：请上传%(kinds)s格式的文件（文件名后缀不能代替格式）。"),
            code="upload_type", params={"name": clean_name, "kinds": _kinds_text(allowed)})
    safe_filename(name, kind)
    return kind


@deconstructible
class UploadValidator:
    """A validator for a model or form FileField: content kinds and size."""

    def __init__(self, allowed=SCANS, max_bytes: int | None = None):
        self.allowed = tuple(allowed)
        self.max_bytes = max_bytes

    def __call__(self, value):
        if not value or getattr(value, "_committed", False):
            return  # no file, or one already stored (checked when it came in)
        validate_upload(value, allowed=self.allowed, max_bytes=self.max_bytes)

    def __eq__(self, other):
        return (isinstance(other, UploadValidator) and self.allowed == other.allowed
                and self.max_bytes == other.max_bytes)


class UploadField(forms.FileField):
    """A form file field that accepts only `allowed` content kinds within `max_bytes`,
    and hands back the upload under a safe name."""

    def __init__(self, *, allowed=SCANS, max_bytes: int | None = None, **kwargs):
        self.allowed = tuple(allowed)
        self.max_bytes = max_bytes
        kwargs.setdefault("max_length", MAX_NAME_LENGTH * 2)
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        data = super().clean(data, initial)
        if data and data is not initial and not getattr(data, "_committed", False):
            kind = validate_upload(data, allowed=self.allowed, max_bytes=self.max_bytes)
            data.name = safe_filename(data.name, kind)
        return data

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if isinstance(widget, forms.FileInput):
            attrs.setdefault("accept", ",".join(s for kind in self.allowed for s in KIND_SUFFIXES[kind]))
        return attrs
