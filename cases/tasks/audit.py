import logging

from celery import shared_task

from cases.platform.audit.anchoring import anchor_chain

logger = logging.getLogger(__name__)


@shared_task(name="cases.tasks.anchor_audit_chain", acks_late=True, ignore_result=True)
def anchor_audit_chain_task() -> dict:
    """Beat, every five minutes: anchor the audit chain head outside the database (AUDIT_ANCHOR_PATH).

    Verifies only what was appended since the last anchor; a broken chain is not anchored and
    is logged as an error for `manage.py verify_audit` to locate. Idempotent: with nothing
    appended since the last anchor, nothing is written."""
    result = anchor_chain()
    if result.problem:
        logger.error("审计链未锚定：%s。请运行 manage.py verify_audit 查明。", result.problem)
    return {"anchored": result.anchor.seq if result.anchor else None, "problem": str(result.problem or "")}
