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
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from rapidfuzz.distance import OSA, Hamming, Indel

from cases.rules.validators import normalise_resident_id, validate_resident_id

# Thresholds, calibrated with tests/linkage_data.py (seeds 1..5, 2,000 workers and 1,000
# civil records each; see tests/unit/test_linkage.py::test_quality_on_generated_set).
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


@dataclass(frozen=True)
class _Prepared:
    record: PersonRecord
    name: str
    id_number: str  # normalised; "" when missing
    id_valid: bool
    birth: date | None  # the birth_date field, else the date inside the ID if it parses
    region: str


def is_valid_resident_id(value: str | None) -> bool:
    if not value:
        return False
    try:
        validate_resident_id(value)
    except ValidationError:
        return False
    return True


def _id_birth(number: str) -> date | None:
    if len(number) < 14 or not number[6:14].isdigit():
        return None
    try:
        return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def _prepare(record: PersonRecord) -> _Prepared:
    number = normalise_resident_id(record.id_number) if record.id_number else ""
    return _Prepared(
        record=record,
        name="".join((record.name or "").split()),
        id_number=number,
        id_valid=is_valid_resident_id(number),
        birth=record.birth_date or _id_birth(number),
        region=(record.region or "").strip(),
    )


def _blocking_keys(person: _Prepared) -> set[tuple]:
    keys: set[tuple] = set()
    births = {person.birth}
    id_birth = _id_birth(person.id_number)
    if id_birth:
        births.add(id_birth)
    for birth in births - {None}:
        # Day and month in either order, so a swapped date lands in the same block.
        low, high = sorted((birth.month, birth.day))
        keys.add(("birth", birth.year, low, high))
        if person.region and person.name:
            keys.add(("region-year-surname", person.region, birth.year, person.name[0]))
    if person.name:
        keys.add(("name", person.name))
    if len(person.id_number) >= 17:
        keys.add(("id-head", person.id_number[:14]))
        keys.add(("id-region-seq", person.id_number[:6], person.id_number[14:17]))
    return keys


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
) -> list[LinkResult]:
    """One LinkResult per civil record, in input order."""
    if not 0 <= review_threshold <= match_threshold <= 1:
        raise ValueError("need 0 <= review_threshold <= match_threshold <= 1")
    prepared_workers = [_prepare(w) for w in workers]
    by_valid_id: dict[str, int] = {}
    blocks: dict[tuple, list[int]] = defaultdict(list)
    for index, worker in enumerate(prepared_workers):
        if worker.id_valid:
            by_valid_id.setdefault(worker.id_number, index)
        for key in _blocking_keys(worker):
            blocks[key].append(index)

    results: list[LinkResult] = []
    exact: list[bool] = []
    for record in civil:
        person = _prepare(record)
        if person.id_valid and person.id_number in by_valid_id:
            worker = prepared_workers[by_valid_id[person.id_number]]
            results.append(LinkResult(record.ref, worker.record.ref, 1.0, MATCH, ["身份证号一致且有效"]))
            exact.append(True)
            continue
        candidates: set[int] = set()
        for key in _blocking_keys(person):
            block = blocks.get(key, ())
            if len(block) <= MAX_BLOCK_SIZE:
                candidates.update(block)
        scored = sorted(
            ((*score_pair(person, prepared_workers[i]), i) for i in candidates),
            key=lambda item: (-item[0], item[2]),
        )
        exact.append(False)
        if not scored:
            results.append(LinkResult(record.ref, None, 0.0, NONE, ["无候选记录"]))
            continue
        best_score, reasons, best_index = scored[0]
        decision = _decide(best_score, match_threshold, review_threshold)
        if decision == MATCH and len(scored) > 1 and best_score - scored[1][0] < AMBIGUITY_MARGIN:
            decision = REVIEW
            reasons = [*reasons, "另有分数接近的候选"]
        worker_ref = prepared_workers[best_index].record.ref if decision != NONE else None
        results.append(LinkResult(record.ref, worker_ref, best_score, decision, reasons))

    _enforce_unique_assignment(results, exact)
    return results


def _enforce_unique_assignment(results: list[LinkResult], exact: list[bool]) -> None:
    """A worker keeps at most one "match": the strongest claim (an exact valid-ID match
    over a fuzzy one, then the higher score). Ties at the top all go to review."""
    claims: dict[str, list[int]] = defaultdict(list)
    for index, result in enumerate(results):
        if result.decision == MATCH:
            claims[result.worker_ref].append(index)
    for indices in claims.values():
        if len(indices) < 2:
            continue
        ranked = sorted(indices, key=lambda i: (not exact[i], -results[i].score))
        top = ranked[0]
        tied = [i for i in ranked if exact[i] == exact[top] and results[i].score == results[top].score]
        keep = top if len(tied) == 1 else None
        for i in indices:
            if i != keep:
                results[i].decision = REVIEW
                results[i].reasons.append("该劳动者另有匹配记录")
