"""Anchors: the audit chain's head, copied from time to time to an append-only file outside the database.

AUDIT_ANCHOR_PATH holds one JSON line per anchor, e.g.
    {"at":"2026-12-06T13:30:00+00:00","hash":"<hash of event 42>","kind":"anchor","seq":42,"mac":"<64 hex>"}
`mac` is HMAC-SHA256 under the audit key of ANCHOR_CONTEXT followed by the other four fields
as canonical JSON, so a line nobody with the key wrote is refused. Beat writes an anchor every
few minutes (cases.tasks.anchor_audit_chain), and `verify_audit --anchor` does on demand.

Verification compares every anchor with the event it names: an event changed after it was
anchored, even by someone holding the key who recomputed every later hash and the head, no
longer has the anchored hash; a tail cut off after an anchor leaves an anchor past the end.

A line of kind "rekey" is written by `rekey_audit_chain` once it has re-sealed the chain
under the current key: the anchors above it were sealed under the old key and named the old
hashes, so verification starts from the last valid "rekey" line.

The file is only ever appended to (under an exclusive lock, one write per line, fsync'd);
make the place append-only for the application's user as well (`chattr +a`, or a WORM
bucket synchronised from it), so that a stolen database account cannot also rewrite it.
"""

import fcntl
import json
import os
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone as dt_timezone
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from .keys import audit_key, same, seal

ANCHOR_CONTEXT = b"unioncase-audit-anchor\n"
ANCHOR, REKEY = "anchor", "rekey"


@dataclass(frozen=True)
class Anchor:
    line: int
    at: datetime
    seq: int
    hash: str
    kind: str = ANCHOR

    @property
    def when(self) -> str:
        return timezone.localtime(self.at).strftime("%Y-%m-%d %H:%M:%S")


@dataclass(frozen=True)
class AnchorProblem:
    line: int
    problem: str

    def __str__(self):
        return f"锚点文件第{self.line}行：{self.problem}" if self.line else f"锚点文件：{self.problem}"


@dataclass(frozen=True)
class AnchorLog:
    path: Path
    exists: bool
    anchors: list[Anchor] = field(default_factory=list)  # trusted, since the last re-keying, in file order
    problem: AnchorProblem | None = None  # the first line that cannot be trusted; later ones are not read
    lines: int = 0  # complete lines in the file, trusted or not

    def by_seq(self) -> dict[int, list[Anchor]]:
        anchored = defaultdict(list)
        for anchor in self.anchors:
            if anchor.seq:
                anchored[anchor.seq].append(anchor)
        return dict(anchored)

    @property
    def last(self) -> Anchor | None:
        return self.anchors[-1] if self.anchors else None


def anchor_path() -> Path:
    return Path(settings.AUDIT_ANCHOR_PATH)


def _signed_fields(*, at: str, seq: int, hash: str, kind: str) -> bytes:
    fields = {"at": at, "hash": hash, "kind": kind, "seq": seq}
    return ANCHOR_CONTEXT + json.dumps(fields, sort_keys=True, separators=(",", ":")).encode("utf-8")


def anchor_line(*, at: datetime, seq: int, hash: str, kind: str = ANCHOR, key: bytes | None = None) -> bytes:
    stamp = at.astimezone(dt_timezone.utc).isoformat(timespec="seconds")
    mac = seal(key or audit_key(), _signed_fields(at=stamp, seq=seq, hash=hash, kind=kind))
    record = {"at": stamp, "hash": hash, "kind": kind, "seq": seq, "mac": mac}
    return json.dumps(record, separators=(",", ":")).encode("utf-8") + b"\n"


def _parse(number: int, raw: bytes, keys: list[bytes]) -> Anchor | str:
    """The anchor on this line, or what is wrong with it."""
    try:
        record = json.loads(raw)
        stamp, seq, hash, kind, mac = (record[name] for name in ("at", "seq", "hash", "kind", "mac"))
        at = datetime.fromisoformat(stamp)
        if not (isinstance(seq, int) and seq >= 0 and isinstance(hash, str) and kind in (ANCHOR, REKEY)):
            raise ValueError(kind)
    except (ValueError, KeyError, TypeError):
        return "无法读取（不是本系统写入的锚点）"
    signed = _signed_fields(at=stamp, seq=seq, hash=hash, kind=kind)
    if not any(same(seal(key, signed), str(mac)) for key in keys):
        return "校验码不符：该行被改动，或不是用本系统的审计密钥写入的"
    return Anchor(line=number, at=at, seq=seq, hash=hash, kind=kind)


def _complete_lines(content: bytes) -> Iterator[tuple[int, bytes]]:
    lines = content.split(b"\n")
    # The last piece has no newline yet: a line being written right now (or nothing).
    for number, raw in enumerate(lines[:-1], start=1):
        yield number, raw


def parse_anchors(content: bytes, *, path: Path, keys: Iterable[bytes] | None = None) -> AnchorLog:
    """The trusted anchors since the last re-keying whose seal is valid under one of `keys`."""
    keys = list(keys or [audit_key()])
    numbered = list(_complete_lines(content))
    start = 0
    for index in range(len(numbered) - 1, -1, -1):
        number, raw = numbered[index]
        if b'"rekey"' in raw and isinstance(parsed := _parse(number, raw, keys), Anchor) and parsed.kind == REKEY:
            start = index
            break
    anchors, problem = [], None
    for number, raw in numbered[start:]:
        parsed = _parse(number, raw, keys)
        if isinstance(parsed, str):
            problem = AnchorProblem(number, parsed)
            break
        anchors.append(parsed)
    return AnchorLog(path=path, exists=True, anchors=anchors, problem=problem, lines=len(numbered))


def read_anchors(*, keys: Iterable[bytes] | None = None) -> AnchorLog:
    path = anchor_path()
    try:
        content = path.read_bytes()
    except FileNotFoundError:
        return AnchorLog(path=path, exists=False)
    except OSError as error:  # there but unreadable here: nothing vouches for the chain
        return AnchorLog(path=path, exists=True, problem=AnchorProblem(0, f"无法读取 {path}（{error.strerror}），"
                                                                         "请检查 AUDIT_ANCHOR_PATH 及其权限"))
    return parse_anchors(content, path=path, keys=keys)


class AnchorFile:
    """The anchor file opened for appending under an exclusive lock (see `exclusive`)."""

    def __init__(self, path: Path, handle):
        self.path, self.handle = path, handle

    def content(self) -> bytes:
        self.handle.seek(0)
        return self.handle.read()

    def read(self, *, keys: Iterable[bytes] | None = None) -> AnchorLog:
        return parse_anchors(self.content(), path=self.path, keys=keys)

    def append(self, *, seq: int, hash: str, kind: str = ANCHOR) -> Anchor:
        at = timezone.now()
        line = anchor_line(at=at, seq=seq, hash=hash, kind=kind)
        content = self.content()
        if content and not content.endswith(b"\n"):
            line = b"\n" + line  # a line cut short by a crash stays what it is: unreadable
        self.handle.write(line)  # the file is opened for appending: this lands at its end
        self.handle.flush()
        os.fsync(self.handle.fileno())
        lines = content.count(b"\n") + line.count(b"\n")
        return Anchor(line=lines, at=at.replace(microsecond=0), seq=seq, hash=hash, kind=kind)


@contextmanager
def exclusive() -> Iterator[AnchorFile]:
    """The anchor file, created if missing, locked against other writers until the block ends."""
    path = anchor_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield AnchorFile(path, handle)
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
