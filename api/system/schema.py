"""What the system endpoints' descriptions share: their problems and the refusals every one of
them may answer (a scope the client lacks, an organisation outside its reach)."""

from drf_spectacular.utils import OpenApiExample

from api.views.common import problems as staff_problems


def problems(*codes: int) -> dict:
    """Each status code answered as a problem (401, 403 and 429 always: a system endpoint
    refuses a client without its scope)."""
    return staff_problems(403, *codes)


FORBIDDEN_SCOPE = OpenApiExample(
    "missing-scope", response_only=True, status_codes=["403"],
    value={"type": "urn:unioncase:problem:forbidden", "title": "没有权限", "status": 403,
           "detail": "本客户端没有“statistics:read”权限范围（读取本组织范围的劳动争议和困难职工帮扶统计数据（数据看板）），不能调用该接口。",
           "instance": "/api/v1/statistics/disputes"})
OUTSIDE_REACH = OpenApiExample(
    "outside-reach", response_only=True, status_codes=["403"],
    value={"type": "urn:unioncase:problem:forbidden", "title": "没有权限", "status": 403,
           "detail": "组织“BJ-CY”不在本客户端的范围内：本客户端只能访问海淀区总工会及其下级组织的数据。",
           "instance": "/api/v1/statistics/disputes?organisation=BJ-CY"})
NOT_FOUND = OpenApiExample(
    "not-found", response_only=True, status_codes=["404"],
    value={"type": "urn:unioncase:problem:not-found", "title": "未找到", "status": 404,
           "detail": "未找到该申请：本客户端没有提交过它，或它不在本客户端的范围内。",
           "instance": "/api/v1/applications/disputes/17"})
