"""The papers a worker sent with an online application (申请附件), downloaded from the case
page's 文书 tab by whoever may read the case; every download is journalled, as a document's is."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views import View

from cases.models import AuditAction
from cases.platform.audit.journal import append_event
from workflows.dispute.pages import readable_case


class ApplicationAttachmentView(LoginRequiredMixin, View):
    def get(self, request, pk, attachment_pk):
        case = readable_case(request.user, pk)
        attachment = get_object_or_404(case.application_attachments, pk=attachment_pk)
        try:
            handle = attachment.file.open("rb")
        except FileNotFoundError:
            raise Http404(_("附件文件不存在，请联系系统管理员。")) from None
        append_event(action=AuditAction.EXPORT, actor=request.user, subject=case, organisation=case.organisation,
                     name="download_application_attachment",
                     data={"attachment_id": attachment.pk, "case": case.number, "sha256": attachment.sha256})
        return FileResponse(handle, as_attachment=True, filename=attachment.original_name,
                            content_type=attachment.content_type)
