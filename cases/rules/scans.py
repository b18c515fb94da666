"""Scans of signed paper kept in the archive (the signed original of a mediation agreement):
which files are accepted, told by their content, never by their name.

A scan is a PDF, a JPEG or a PNG, recognised by the bytes it starts with (its "magic
number"), of at most MAX_SCAN_BYTES. `scan_content_type(head, size)` answers the content type
to store, or raises a ValidationError whose Chinese message says what to do.
"""

import hashlib

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MAX_SCAN_MIB = 20
MAX_SCAN_BYTES = MAX_SCAN_MIB * 1024 * 1024

# How many bytes of a file `scan_content_type` needs to see.
SCAN_HEAD_BYTES = 8

# Each scan kind, the bytes a file of that kind begins with, and its content type. The one
# table of magic numbers: cases.platform.uploads recognises scans by it too.
SCAN_MAGIC = (
    ("pdf", b"%PDF-", "application/pdf"),
    ("jpeg", b"\xff\xd8\xff", "image/jpeg"),
    ("png", b"\x89PNG\r\n\x1a\n", "image/png"),
)

EXTENSIONS = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}

SCAN_TYPE_REFUSED = _("签署原件扫描件只接受PDF、JPEG或PNG文件（按文件内容识别，与文件名无关）：请将签署完毕的协议书"
                      "扫描或拍照为其中一种格式后重新上传。")
SCAN_EMPTY = _("上传的签署原件扫描件是空文件，请重新选择文件。")
SCAN_TOO_LARGE = _("签署原件扫描件不能超过%(limit)sMB（本文件约%(size)sMB）：请降低扫描分辨率或压缩后重新上传。")


def scan_content_type(head: bytes, size: int) -> str:
    """The content type of a scan whose first bytes are `head` and whose length is `size`."""
    if size <= 0:
        raise ValidationError(SCAN_EMPTY, code="scan_empty")
    if size > MAX_SCAN_BYTES:
        raise ValidationError(SCAN_TOO_LARGE, code="scan_too_large",
                              params={"limit": MAX_SCAN_MIB, "size": f"{size / (1024 * 1024):.1f}"})
    for _kind, magic, content_type in SCAN_MAGIC:
        if head.startswith(magic):
            return content_type
    raise ValidationError(SCAN_TYPE_REFUSED, code="scan_type")


def upload_sha256(upload) -> str:
    """The SHA-256 (hex) of an uploaded file's bytes, leaving it rewound for saving."""
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def upload_plain_name(upload, default: str = "scan") -> str:
    """The name the sender gave the file, without any folder, at most 255 characters."""
    name = (getattr(upload, "name", "") or "").replace("\\", "/").rsplit("/", 1)[-1]
    return (name or default)[:255]
