"""Examples of the union's app's bodies and answers, for the OpenAPI document."""

from drf_spectacular.utils import OpenApiExample

PDF_BASE64 = "JVBERi0xLjQKJcfsj6IKMSAwIG9iago8PC9UeXBlL0NhdGFsb2c+PgplbmRvYmoKdHJhaWxlcgo8PC9Sb290IDEgMCBSPj4KJSVFT0YK"

DISPUTE_EXAMPLE = {
    "organisation": "BJ-HD-ZGC",
    "worker": {"name": "王秀英", "resident_id": "11010519491231002X", "phone": "13800138000", "address": "北京市海淀区中关村大街1号"},
    "employer": {"name": "北京某科技有限公司", "uscc": "91350100M000100Y43", "address": "", "contact_name": "",
                 "contact_phone": ""},
    "claims": [{"claim_type": "wage_arrears", "amount_claimed": "30000.00", "description": "支付2026年8月至10月工资"}],
    "facts": "2025年3月入职，任软件测试员；单位自2026年8月起拖欠工资，多次催要未果。",
    "employment_start": "2025-03-01", "employment_end": None, "infringement_known_on": "2026-09-15",
    "electronic_service": True, "acknowledge_warnings": False,
    "attachments": [{"name": "劳动合同.pdf", "content": PDF_BASE64}],
}
APPLIED_EXAMPLE = {
    "id": 17, "number": "BJ-HD-ZGC-2026-0017", "status": {"code": "registered", "label": "已登记"},
    "organisation": {"id": 4, "code": "BJ-HD-ZGC", "name": "中关村街道调解中心"}, "received_on": "2026-11-02",
    "decision_due": "2026-11-05", "warnings": [],
    "progress": "https://unioncase.example/api/v1/applications/disputes/17",
}
WARNINGS_EXAMPLE = OpenApiExample(
    "warnings-unacknowledged", response_only=True, status_codes=["422"],
    value={"type": "urn:unioncase:problem:warnings-unacknowledged", "title": "申请有须经申请人确认的提示", "status": 422,
           "detail": "申请有须经申请人确认的提示：您对同一用人单位已有调解申请正在办理，或在近一年内办结。…… 申请人确认后，"
                     "请以 acknowledge_warnings=true 重新提交。",
           "instance": "/api/v1/applications/disputes",
           "errors": {"warnings": ["您对同一用人单位已有调解申请正在办理，或在近一年内办结。如果是同一件事，请不要重复申请，"
                                   "可以在“案件进度查询”中查看进度；如果是另一件事，可以继续提交。"]}})
HARDSHIP_EXAMPLE = {
    "organisation": "BJ-HD",
    "head": {"name": "张建国", "resident_id": "110108197503020016", "phone": "13900139000", "health": "major_illness",
             "employment": "employed", "schooling": "none"},
    "region_code": "110108", "address": "北京市海淀区学院路20号", "work_unit": "北京某机械厂",
    "members": [{"name": "李桂兰", "relation": "spouse", "resident_id": "110108197809100027", "birth_date": None,
                 "health": "healthy", "employment": "unemployed", "schooling": "none"},
                {"name": "张小明", "relation": "child", "resident_id": "110108201506010031", "birth_date": None,
                 "health": "healthy", "employment": "not_of_working_age", "schooling": "primary"}],
    "incomes": [{"kind": "wages", "amount": "36000"}],
    "expenses": [{"kind": "medical", "amount": "42000", "note": "化疗自付部分"}],
    "hardship_costs": [],
    "reason": "户主今年确诊重病，治疗费用高，配偶失业，孩子上小学。",
    "authorisation": {"name": "授权书.jpg", "content": PDF_BASE64},
}
PROGRESS_EXAMPLE = {
    "id": 17, "number": "BJ-HD-ZGC-2026-0017", "organisation": {"id": 4, "code": "BJ-HD-ZGC", "name": "中关村街道调解中心"},
    "received_on": "2026-11-02", "status": {"code": "accepted", "label": "已受理"}, "stage": "已受理",
    "steps": [{"label": "提交申请", "state": "done"}, {"label": "受理", "state": "current"},
              {"label": "调解", "state": "todo"}, {"label": "调解协议", "state": "todo"},
              {"label": "履行", "state": "todo"}, {"label": "结案", "state": "todo"}],
    "next_step": "调解员会与您联系，安排调解的时间和地点。调解期限至2026年11月18日。", "next_date": "2026-11-18",
    "sessions": [], "notices": [{"id": 231, "title": "受理通知书", "served_on": None, "method": "", "may_open": True,
                  "url": "https://unioncase.example/api/v1/applications/disputes/17/notices/231"}], "instalments": [],
    "electronic_service": True,
}
