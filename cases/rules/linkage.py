"""Record linkage between civil-affairs records and the workers on file (issue 5).

Pure functions, no database. `link(civil, workers)` gives one `LinkResult` per civil
record: its best worker candidate, a score in 0..1 and a decision:

- a valid resident ID (GB 11643) equal on both sides is a match with score 1.0;
- otherwise candidates come from blocking keys (birth date with day/month order ignored,
  the full name, ID prefixes, and region + birth year + surname) and are scored by a
  weighted sum of name, birth date, region and ID similarity (rapidfuzz);
- `score >= match_threshold` is "match", `>= review_threshold` is "review" (a caseworker
  confirms or rejects), else "none";
- a worker may be matched by one civil record only: the weaker claims are demoted to
  "review", and so is a match whose runner-up candidate scores within AMBIGUITY_MARGIN.

`score_pair` is the definition of the score and gives the reasons; the candidate scan
(`linkage_index._scan`, with the worker index, the blocking and the forked processes)
repeats its arithmetic without the reasons, in the same order of operations, so
both give the same float. The scan skips the candidates that provably score below the
review band (below min(review, match - AMBIGUITY_MARGIN)): two valid IDs that differ, or
no ID agreement and another birth date, cap the score at 0.60; it also skips a candidate whose
score would stay below the band even with an equal name. So "match" and "review"
results are those of scoring every candidate; a "none" result carries the best score among
the candidates that were scored (0.0, "无候选记录", when none was). `processes=N` splits
the civil records over N forked processes with the same results (bench/linkage.py:
1,000,000 civil records against 200,000 workers). A civil ID that is a valid ID on file
decides the record by a dict lookup before anything else of it is read.
"""

from __future__ import annotations

import gc
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.utils import timezone
from rapidfuzz.distance import OSA, Hamming, Indel

from cases.rules.validators import (
    RESIDENT_ID_CHECK_CHARS,
    RESIDENT_ID_LENGTH,
    normalise_resident_id,
    validate_resident_id,
)

# Thresholds, calibrated with tests/linkage_data.py (seeds 1..5, 2,000 workers and 1,000
# civil records each; see tests/unit/rules/test_linkage.py::test_quality_on_generated_set).
# With the weights below a single corruption of a true pair (missing ID, adjacent
# transposition, one wrong digit, wrong check digit, day/month swap, one replaced name
# character of a three-character name) scores >= 0.88, and an ID typo combined with a
# replaced name character >= 0.86. What cannot be told apart from a different person —
# no ID and one of two name characters different (王伟/王玮 vs 王伟/王刚), both with the
# same birth date and district — scores 0.825: below MATCH, above REVIEW, so a caseworker
# decides. Namesakes with another birth date score <= 0.60 and stay "none".
MATCH_THRESHOLD = 0.85
REVIEW_THRESHOLD = 0.70
# A fuzzy match whose second-best candidate is this close goes to review instead.
AMBIGUITY_MARGIN = 0.03
# Blocks bigger than this are not expanded (a key that common is not selective).
MAX_BLOCK_SIZE = 2000

# Weights when both sides carry an ID number, and when at least one does not.
WEIGHTS_WITH_ID = {"id": 0.40, "name": 0.25, "birth": 0.20, "region": 0.15}
WEIGHTS_WITHOUT_ID = {"name": 0.35, "birth": 0.40, "region": 0.25}

# ID similarity by OSA distance (an adjacent transposition counts as one edit).
_ID_SCORE_BY_DISTANCE = {0: 1.0, 1: 0.95, 2: 0.6}

MATCH, REVIEW, NONE = "match", "review", "none"


@dataclass(frozen=True)
class PersonRecord:
    ref: str
    name: str
    id_number: str | None = None
    birth_date: date | None = None
    region: str | None = None


@dataclass
class LinkResult:
    civil_ref: str
    worker_ref: str | None
    score: float
    decision: str
    reasons: list[str] = field(default_factory=list)


class _Prepared(NamedTuple):
    record: PersonRecord
    name: str
    id_number: str  # normalised; "" when missing
    id_valid: bool
    birth: date | None  # the birth_date field, else the date inside the ID if it parses
    region: str
    id_birth: date | None = None  # the date inside the ID if it parses


def is_valid_resident_id(value: str | None) -> bool:
    if not value:
        return False
    try:
        validate_resident_id(value)
    except ValidationError:
        return False
    return True


def _is_valid_id(number: str, id_birth: date | None, today: date) -> bool:
    """is_valid_resident_id(number) for a normalised number whose ID date is `id_birth`,
    without raising: the GB 11643 weights are 2**(17 - i) mod 11 and 13 ≡ 2 (mod 11), so
    the weighted sum of the first 17 digits is 2 * int(first17, 13) modulo 11."""
    return (
        len(number) == RESIDENT_ID_LENGTH and number.isascii() and number[:17].isdigit()
        and number[17] in "0123456789X" and id_birth is not None and id_birth <= today
        and RESIDENT_ID_CHECK_CHARS[2 * int(number[:17], 13) % 11] == number[17]
    )


def _id_birth(number: str) -> date | None:
    if len(number) < 14 or not number[6:14].isdigit():
        return None
    return _date_from_digits(number[6:14])


@lru_cache(maxsize=1 << 16)
def _date_from_digits(digits: str) -> date | None:
    try:
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return None


def _prepare(record: PersonRecord, today: date | None = None) -> _Prepared:
    number = normalise_resident_id(record.id_number) if record.id_number else ""
    id_birth = _id_birth(number)
    return _Prepared(
        record=record,
        name="".join((record.name or "").split()),
        id_number=number,
        id_valid=_is_valid_id(number, id_birth, today or timezone.localdate()),
        birth=record.birth_date or id_birth,
        region=(record.region or "").strip(),
        id_birth=id_birth,
    )


def _name_score(a: str, b: str) -> tuple[float, str]:
    if not a or not b:
        return 0.0, "缺少姓名"
    if a == b:
        return 1.0, "姓名一致"
    similarity = Indel.normalized_similarity(a, b)
    return similarity, ("姓名相近" if similarity >= 0.5 else "姓名不同")


def _birth_score(a: date | None, b: date | None) -> tuple[float | None, str]:
    if a is None or b is None:
        return None, "缺少出生日期"
    if a == b:
        return 1.0, "出生日期一致"
    if a.year == b.year and a.month == b.day and a.day == b.month:
        return 0.8, "出生日期月日颠倒"
    if Hamming.distance(a.strftime("%Y%m%d"), b.strftime("%Y%m%d")) == 1:
        return 0.6, "出生日期一位不同"
    return 0.0, "出生日期不同"


def _region_score(a: str, b: str) -> tuple[float | None, str]:
    if not a or not b:
        return None, "缺少区域"
    if a == b:
        return 1.0, "区域一致"
    if len(a) == 6 and len(b) == 6 and a[:4] == b[:4]:
        return 0.5, "同市不同区"
    return 0.0, "区域不同"


def _id_score(a: _Prepared, b: _Prepared) -> tuple[float | None, str]:
    if not a.id_number or not b.id_number:
        return None, "缺少身份证号"
    if a.id_number == b.id_number:
        return 1.0, "身份证号一致（校验未通过）"
    if a.id_valid and b.id_valid:
        # Both pass GB 11643: a single typo or adjacent swap cannot do that (MOD 11-2).
        return 0.0, "身份证号均有效但不同"
    distance = OSA.distance(a.id_number, b.id_number)
    score = _ID_SCORE_BY_DISTANCE.get(distance, 0.0)
    if score:
        return score, f"身份证号相近（{distance}处差异）"
    return 0.0, "身份证号不同"


def score_pair(civil: _Prepared, worker: _Prepared) -> tuple[float, list[str]]:
    id_score, id_reason = _id_score(civil, worker)
    parts = {
        "name": _name_score(civil.name, worker.name),
        "birth": _birth_score(civil.birth, worker.birth),
        "region": _region_score(civil.region, worker.region),
    }
    if id_score is None:
        weights = WEIGHTS_WITHOUT_ID
    else:
        weights = WEIGHTS_WITH_ID
        parts["id"] = (id_score, id_reason)
    total = 0.0
    reasons = [] if id_score is not None else [id_reason]
    for key, (value, reason) in parts.items():
        reasons.append(reason)
        # A missing field counts as half agreement: neither evidence for nor against.
        total += weights[key] * (0.5 if value is None else value)
    return round(total, 6), reasons


def _decide(score: float, match_threshold: float, review_threshold: float) -> str:
    if score >= match_threshold:
        return MATCH
    if score >= review_threshold:
        return REVIEW
    return NONE


def link(
    civil: list[PersonRecord],
    workers: list[PersonRecord],
    *,
    match_threshold: float = MATCH_THRESHOLD,
    review_threshold: float = REVIEW_THRESHOLD,
    processes: int = 1,
) -> list[LinkResult]:
    """One LinkResult per civil record, in input order. `processes` > 1 scores the civil
    records in that many forked processes (same results, where fork is available)."""
    if not 0 <= review_threshold <= match_threshold <= 1:
        raise ValueError("need 0 <= review_threshold <= match_threshold <= 1")
    # Nothing here makes a reference cycle: without the collector, millions of new tuples
    # and results do not make it walk every object (nor the forked children copy them).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _link(civil, workers, match_threshold, review_threshold, processes)
    finally:
        if collecting:
            gc.enable()


def _link(civil: list[PersonRecord], workers: list[PersonRecord], match_threshold: float,
          review_threshold: float, processes: int) -> list[LinkResult]:
    # The index, the blocking and the scan live in linkage_index, which imports this module.
    from cases.rules.linkage_index import _Index, exact_id_matches, link_rows

    index = _Index(workers, timezone.localdate())
    # Most civil records carry a valid ID that is on file or belongs to nobody: a dict
    # lookup decides the first kind here, before the rest is read (the second in link_rows).
    exact, rest = exact_id_matches(civil, index)
    decided = {row[0]: row for row in link_rows(civil, rest, index, match_threshold, review_threshold, processes)}
    refs = [worker.ref for worker in workers]
    results: list[LinkResult] = []
    exact_positions: set[int] = set(exact)
    for position, record in enumerate(civil):
        worker = exact.get(position)
        if worker is not None:
            results.append(LinkResult(record.ref, refs[worker], 1.0, MATCH, ["身份证号一致且有效"]))
            continue
        row = decided.get(position)
        if row is None:
            results.append(LinkResult(record.ref, None, 0.0, NONE, ["无候选记录"]))
            continue
        _, worker, score, decision, reasons, is_exact = row
        if is_exact:
            exact_positions.add(position)
        results.append(LinkResult(record.ref, refs[worker] if worker >= 0 else None, score, decision, reasons))
    _enforce_unique_assignment(results, exact_positions)
    return results


def _enforce_unique_assignment(results: list[LinkResult], exact: set[int]) -> None:
    """A worker keeps at most one "match": the strongest claim (an exact valid-ID match
    over a fuzzy one, then the higher score). Ties at the top all go to review."""
    claims: dict[str, list[int]] = defaultdict(list)
    for index, result in enumerate(results):
        if result.decision == MATCH:
            claims[result.worker_ref].append(index)
    for indices in claims.values():
        if len(indices) < 2:
            continue
        ranked = sorted(indices, key=lambda i: (i not in exact, -results[i].score))
        top = ranked[0]
        top_exact = top in exact
        tied = [i for i in ranked if (i in exact) == top_exact and results[i].score == results[top].score]
        keep = top if len(tied) == 1 else None
        for i in indices:
            if i != keep:
                results[i].decision = REVIEW
                results[i].reasons.append("该劳动者另有匹配记录")
