"""Writing an anchor: verify what was appended since the last anchor, then anchor the newest event.

Run by beat every few minutes (cases.tasks.anchor_audit_chain) and by `verify_audit --anchor`.
Only a chain that verifies is anchored: the last anchor's event must still carry the anchored
hash, and every event after it up to the chain head must be sealed and linked; so each run
reads only the events appended since. A broken chain is never anchored: the problem is
returned (and logged by the task) for `verify_audit` to locate.
"""

from dataclasses import dataclass

from cases.models import AuditEvent

from . import anchors
from .journal import GENESIS_HASH, ChainBreak, chain_head, head_problem, walk
from .keys import same


@dataclass(frozen=True)
class Anchoring:
    anchor: anchors.Anchor | None  # the line written; None when nothing was (see problem)
    problem: object = None  # ChainBreak or AnchorProblem: why nothing was anchored
    previous: anchors.Anchor | None = None  # the last anchor before this run


def anchor_chain(*, chunk_size: int = 2000) -> Anchoring:
    """Append an anchor for the chain head, unless the chain has not grown since the last one."""
    with anchors.exclusive() as file:
        log = file.read()
        if log.problem:
            return Anchoring(None, log.problem)
        last = log.last
        seq, prev = (last.seq, last.hash) if last and last.seq else (0, GENESIS_HASH)
        # The head first: what is appended while this runs lies beyond it and waits for the next run.
        head = chain_head()
        if head[0] < seq:
            return Anchoring(None, ChainBreak(head[0] + 1, (
                f"缺失：{last.when} 的锚点记录审计链已到 #{seq}，此后的链尾已被删除")), last)
        if seq:
            stored = AuditEvent.objects.filter(seq=seq).values_list("hash", flat=True).first()
            if stored is None or not same(stored, prev):
                return Anchoring(None, ChainBreak(seq, (
                    f"与 {last.when} 的锚点不符（{'已被删除' if stored is None else '已被改写'}）")), last)
        events = AuditEvent.objects.filter(seq__gt=seq, seq__lte=head[0]).order_by("seq").iterator(
            chunk_size=chunk_size)
        walked = walk(events, seq=seq, prev=prev)
        broken = walked.broken or head_problem(walked.last_seq, walked.last_hash, head)
        if broken:
            return Anchoring(None, broken, last)
        if walked.last_seq == seq:
            return Anchoring(None, None, last)
        return Anchoring(file.append(seq=walked.last_seq, hash=walked.last_hash), None, last)
