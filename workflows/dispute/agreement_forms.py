"""Forms about signing the mediation agreement on paper: the signed original's scan.

`SignedOriginalFields` is the upload itself; the signing task's in-task action
(workflows.dispute.forms.SignedOriginalForm) and the case page's action
(workflows.dispute.page_forms.UploadSignedOriginalForm) are this mixin on their base form.
The form checks only that a file was chosen; what the file must be (PDF, JPEG or PNG by its
content, at most 20 MB) and when it may be uploaded (after every signature and the seal are
recorded) are the door's rules (SignedOriginal.keep, DisputeCase.upload_signed_original),
whose Chinese refusals the views put back under the field.
"""

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from cases.models.dispute.signed_original import latest_signed_original
from cases.rules.scans import MAX_SCAN_MIB
from cases.selectors import case_documents

DRAFT_KIND = "mediation_agreement_draft"

SCAN_REQUIRED = _("请选择签署原件的扫描文件（PDF、JPEG或PNG）。")


class SignedOriginalFields(forms.Form):
    """上传签署原件: the scan of the paper both parties signed (or sealed), the mediator signed
    and the organisation sealed."""

    title = _("上传签署原件")
    submit_label = _("上传")

    scan = forms.FileField(
        label=_("签署原件扫描件"),
        help_text=format_lazy(_("签署完毕并加盖调解组织印章的调解协议书原件的扫描件或照片：PDF、JPEG或PNG，"
                                "不超过{limit}MB。可多次上传，以最后一次为准，此前上传的文件仍予保留。"),
                              limit=MAX_SCAN_MIB),
        error_messages={"required": SCAN_REQUIRED, "empty": _("上传的签署原件扫描件是空文件，请重新选择文件。"),
                        "invalid": SCAN_REQUIRED},
        widget=forms.FileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}),
    )

    def scan_data(self) -> dict:
        return {"scan": self.cleaned_data["scan"]}


def signed_original_summary(agreement) -> str:
    """One line on the scan that counts: when, by whom, its name and the start of its SHA-256."""
    original = latest_signed_original(agreement)
    if original is None:
        return ""
    uploader = original.uploaded_by
    name = (f"{uploader.last_name}{uploader.first_name}".strip() or uploader.get_username()) if uploader else ""
    uploaded = timezone.localtime(original.uploaded_at)
    return _("%(on)s由%(by)s上传“%(name)s”（SHA-256 %(prefix)s…）") % {
        "on": f"{uploaded:%Y-%m-%d %H:%M}", "by": name or _("系统"), "name": original.original_name,
        "prefix": original.sha256[:16]}


def signing_context(case) -> dict:
    """What the signing task shows beside its forms: the 签署稿 to print and the scan on file."""
    agreement = getattr(case, "agreement", None)
    draft = case_documents(case).filter(kind=DRAFT_KIND).order_by("-created_at", "-pk").first()
    return {
        "signed_original": signed_original_summary(agreement),
        "agreement_draft_url": reverse("workbench:case_document", args=[case.pk, draft.pk]) if draft else "",
    }
