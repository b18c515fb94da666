"""What every view of the API shares: the problems it may answer, described for the schema."""

from drf_spectacular.utils import OpenApiExample, OpenApiResponse
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.views import APIView

from api.auth import PersonalTokenAuthentication, StaffSessionAuthentication
from api.problems import PROBLEM_CONTENT_TYPE
from api.system.auth import RefuseSystemClient
from api.serializers import ProblemSerializer

FORBIDDEN_EXAMPLE = OpenApiExample(
    "forbidden", response_only=True, status_codes=["403"],
    value={"type": "urn:unioncase:problem:forbidden", "title": "没有权限", "status": 403,
           "detail": "审计员只能查阅，不能修改任何内容。", "instance": "/api/v1/disputes/17/transitions/accept"})
NOT_FOUND_EXAMPLE = OpenApiExample(
    "not-found", response_only=True, status_codes=["404"],
    value={"type": "urn:unioncase:problem:not-found", "title": "未找到", "status": 404,
           "detail": "未找到该记录，或它不在您所属组织的范围内。", "instance": "/api/v1/disputes/17"})


def problems(*codes: int) -> dict:
    """Schema responses: each status code answered as a problem; always 400 (a body that cannot be
    read, as JSON or as a form), 401 (no or a bad token) and 429 (too many requests)."""
    described = {}
    for code in sorted({400, 401, 429, *codes}):
        described[(code, PROBLEM_CONTENT_TYPE)] = OpenApiResponse(ProblemSerializer)
    return described


class StaffView(APIView):
    """A view for signed-in staff (session or personal token), rate-limited per caller; a
    system client's token is refused here by name (403)."""

    authentication_classes = [PersonalTokenAuthentication, StaffSessionAuthentication, RefuseSystemClient]


class PdfRenderer(BaseRenderer):
    """Lets a client ask for a document as application/pdf (the view answers the file itself);
    a problem on the way is still written as JSON."""

    media_type, format, charset = "application/pdf", "pdf", None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return JSONRenderer().render(data, "application/json", renderer_context)


DOWNLOAD_RENDERERS = [JSONRenderer, PdfRenderer]
