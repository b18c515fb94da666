"""OpenAPI links between the API's operations: where an answer's values are the next request's
path parameters — a worklist row to claiming its task and to reading its case or file, a case or
file to downloading its documents and to each of its transitions, a system client's application
to its progress and a pushed batch to its outcome.

A client (and the contract run's stateful phase, tests/contract/) follows them without knowing
the addresses: `$response.body#/results/0/id` is the first row's task id, and so on. Added to the
generated document by `add_links`, a drf-spectacular postprocessing hook; a link is added only
where both of its operations are in the document.
"""

from django.utils.translation import gettext as _

# (operation, status) → [(link name, target operation, {parameter: runtime expression})]
ROW = "$response.body#/results/0/"


def _links() -> dict:
    return {
        ("dispute_tasks_queue", "200"): [
            ("claim", "dispute_task_claim", {"task_id": ROW + "id"}, _("领取第一行的任务")),
            ("case", "dispute_detail", {"id": ROW + "case_id"}, _("第一行任务的案件")),
        ],
        ("dispute_tasks_mine", "200"): [
            ("case", "dispute_detail", {"id": ROW + "case_id"}, _("第一行任务的案件")),
        ],
        ("hardship_tasks_queue", "200"): [
            ("claim", "hardship_task_claim", {"task_id": ROW + "id"}, _("领取第一行的任务")),
            ("file", "hardship_file_detail", {"id": ROW + "file_id"}, _("第一行任务的档案")),
        ],
        ("hardship_tasks_mine", "200"): [
            ("file", "hardship_file_detail", {"id": ROW + "file_id"}, _("第一行任务的档案")),
        ],
        ("dispute_detail", "200"): [
            ("document", "dispute_document", {"id": "$response.body#/id", "document_pk": "$response.body#/documents/0/id"},
             _("下载案件的第一份文书")),
        ],
        ("hardship_file_detail", "200"): [
            ("document", "hardship_file_document",
             {"id": "$response.body#/id", "document_pk": "$response.body#/documents/0/id"}, _("下载档案的第一份文书")),
        ],
        ("application_dispute_submit", "201"): [
            ("progress", "application_dispute_progress", {"id": "$response.body#/id"}, _("查询这份申请的办理进度")),
        ],
        ("application_dispute_progress", "200"): [
            ("notice", "application_dispute_notice",
             {"id": "$response.body#/id", "document_pk": "$response.body#/notices/0/id"}, _("打开送达申请人的第一份文书")),
        ],
        ("application_hardship_submit", "201"): [
            ("progress", "application_hardship_progress", {"id": "$response.body#/id"}, _("查询这份申请的办理进度")),
        ],
        ("civil_affairs_batch_push", "201"): [
            ("batch", "civil_affairs_batch", {"batch_id": "$response.body#/batch_id"}, _("这一批次的导入结果")),
            ("records", "civil_affairs_batch_records", {"batch_id": "$response.body#/batch_id"},
             _("这一批次每条记录的结果")),
        ],
    }


# A case's (a file's) answer links to each of its transitions: operation id prefix → source operation.
TRANSITION_SOURCES = {"disputes_transition_": "dispute_detail", "hardship_transition_": "hardship_file_detail"}


def _operations(schema: dict) -> dict:
    return {operation["operationId"]: operation for methods in schema.get("paths", {}).values()
            for operation in methods.values() if isinstance(operation, dict) and "operationId" in operation}


def add_links(result, generator, request, public):
    operations = _operations(result)
    wanted = {key: list(links) for key, links in _links().items()}
    for operation_id in operations:
        for prefix, source in TRANSITION_SOURCES.items():
            if operation_id.startswith(prefix):
                wanted.setdefault((source, "200"), []).append(
                    (operation_id.removeprefix(prefix), operation_id, {"id": "$response.body#/id"},
                     _("办理这一状态变更（先看 transitions 中是否列出）")))
    for (source, status), links in wanted.items():
        response = operations.get(source, {}).get("responses", {}).get(status)
        if response is None:
            continue
        for name, target, parameters, description in links:
            if target in operations:
                response.setdefault("links", {})[name] = {
                    "operationId": target, "parameters": parameters, "description": str(description)}
    return result
