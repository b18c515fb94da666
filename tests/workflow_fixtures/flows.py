from datetime import timedelta

from viewflow import this
from viewflow.workflow import flow


class WaitAWhileFlow(flow.Flow):
    """Start, wait five minutes on a database-backed timer, end."""

    start = flow.StartHandle().Next(this.wait)
    wait = flow.Timer(timedelta(minutes=5)).Next(this.end)
    end = flow.End()
