"""档案附件 on the hardship file page: the list with downloads, and the upload form.

Who may read the file (workflows.hardship.file.access.readable_file) may download its
attachments, each download journalled (cases.hardship.attachments.journal_download); the
file's caseworkers upload them, checked by content and size there.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _, gettext_lazy
from django.views import View

from cases.hardship.attachments import journal_download, keep_attachment, may_keep_attachment
from cases.models.hardship.records import AttachmentKind
from cases.platform.uploads import SCANS, UploadField, max_upload_bytes, size_text
from cases.selectors import person_name
from workflows.hardship.file.access import HardshipReadersOnly, file_url, readable_file


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("材料类别"), choices=[("", gettext_lazy("请选择"))] + list(
        AttachmentKind.choices), error_messages={"required": gettext_lazy("请选择材料类别。"),
                                                 "invalid_choice": gettext_lazy("请从列表中选择材料类别。")})
    upload = UploadField(label=gettext_lazy("文件"), allowed=SCANS,
                         error_messages={"required": gettext_lazy("请选择要上传的文件。")})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="attachment", **kwargs)
        self.fields["upload"].help_text = _("PDF、JPEG或PNG（按文件内容识别），不超过%(limit)s。") % {
            "limit": size_text(max_upload_bytes())}


def attachment_rows(file) -> list[dict]:
    return [{"attachment": attachment, "size": size_text(attachment.size) if attachment.size else "",
             "uploader": person_name(attachment.uploaded_by),
             "url": reverse("workbench:hardship_file_attachment", args=[file.pk, attachment.pk])}
            for attachment in file.attachments.select_related("uploaded_by").order_by("pk")]


def attachment_form_for(file, user):
    """The upload form for `user`, or None when they may not add to the file's papers."""
    return AttachmentForm() if may_keep_attachment(user, file) else None


class AttachmentUploadView(HardshipReadersOnly, View):
    def post(self, request, pk):
        file = readable_file(request.user, pk)
        form = AttachmentForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                attachment = keep_attachment(file, form.cleaned_data["upload"], form.cleaned_data["kind"],
                                             by=request.user)
            except (PermissionDenied, ValidationError) as error:
                messages.error(request, _("附件未上传：%(problem)s") % {"problem": _message(error)})
            else:
                messages.success(request, _("已上传“%(name)s”（%(kind)s）。") % {
                    "name": attachment.original_name, "kind": attachment.get_kind_display()})
        else:
            problems = "；".join(str(message) for errors in form.errors.values() for message in errors)
            messages.error(request, _("附件未上传：%(problem)s") % {"problem": problems})
        return HttpResponseRedirect(file_url(file) + "?tab=documents")


def _message(error) -> str:
    if isinstance(error, ValidationError):
        return "；".join(error.messages)
    return str(error)


class AttachmentDownloadView(HardshipReadersOnly, View):
    def get(self, request, pk, attachment_pk):
        file = readable_file(request.user, pk)
        attachment = get_object_or_404(file.attachments, pk=attachment_pk)
        try:
            handle = attachment.upload.open("rb")
        except FileNotFoundError:
            raise Http404(_("附件文件不存在，请联系系统管理员。")) from None
        journal_download(attachment, by=request.user)
        return FileResponse(handle, as_attachment=True, filename=attachment.original_name,
                            content_type=attachment.content_type)
