from celery import shared_task

from cases.platform.deadlines import check_deadlines


@shared_task(name="cases.tasks.check_deadlines", acks_late=True, ignore_result=True)
def check_deadlines_task() -> dict:
    """Beat, every minute: warnings and breaches. Idempotent: a second run changes nothing."""
    summary = check_deadlines()
    return {"warned": summary.warned, "breached": summary.breached}
