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
(`_scan`) repeats its arithmetic without the reasons, in the same order of operations, so
both give the same float. The scan skips the candidates that provably score below the
review band (below min(review, match - AMBIGUITY_MARGIN)): two valid IDs that differ, or
no ID agreement and another birth date, cap the score at 0.60. So "match" and "review"
results are those of scoring every candidate; a "none" result carries the best score among
the candidates that were scored (0.0, "无候选记录", when none was). `processes=N` splits
the civil records over N forked processes with the same results (bench/linkage.py:
1,000,000 civil records against 200,000 workers).
"""

from __future__ import annotations

import math
import multiprocessing
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


def _blocking_keys(person: _Prepared) -> set[tuple]:
    keys: set[tuple] = set()
    for birth in {person.birth, person.id_birth} - {None}:
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
    processes: int = 1,
) -> list[LinkResult]:
    """One LinkResult per civil record, in input order. `processes` > 1 scores the civil
    records in that many forked processes (same results, where fork is available)."""
    if not 0 <= review_threshold <= match_threshold <= 1:
        raise ValueError("need 0 <= review_threshold <= match_threshold <= 1")
    index = _Index(workers, timezone.localdate())
    job = (civil, index, match_threshold, review_threshold)
    if processes > 1 and len(civil) > 1 and "fork" in multiprocessing.get_all_start_methods():
        rows = _link_forked(job, processes)
    else:
        rows = _link_range(job, 0, len(civil))
    results: list[LinkResult] = []
    for record, (worker_index, score, decision, reasons, _) in zip(civil, rows):
        worker_ref = index.people[worker_index].record.ref if worker_index is not None else None
        results.append(LinkResult(record.ref, worker_ref, score, decision, reasons))
    _enforce_unique_assignment(results, [row[4] for row in rows])
    return results


class _Index:
    """The workers, prepared once: blocks, valid IDs, and per worker the tuple the scan reads."""

    def __init__(self, workers: list[PersonRecord], today: date):
        self.today = today
        self.people = [_prepare(worker, today) for worker in workers]
        self.by_valid_id: dict[str, int] = {}
        blocks: dict[tuple, list[int]] = defaultdict(list)
        for position, worker in enumerate(self.people):
            if worker.id_valid:
                self.by_valid_id.setdefault(worker.id_number, position)
            for key in _blocking_keys(worker):
                blocks[key].append(position)
        # Blocks bigger than MAX_BLOCK_SIZE are never expanded: leave them out.
        self.blocks = {key: block for key, block in blocks.items() if len(block) <= MAX_BLOCK_SIZE}
        # The same blocks without the workers whose ID is valid: all a civil record with a
        # valid ID (and no exact match) needs when two different valid IDs cannot reach review.
        self.loose_blocks = {}
        for key, block in self.blocks.items():
            loose = [position for position in block if not self.people[position].id_valid]
            if loose:
                self.loose_blocks[key] = loose
        self.rows = [
            (w.name, _date_text(w.birth) if w.birth else None, w.region, w.id_number, w.id_valid)
            for w in self.people
        ]
        self.birth_texts = {row[1] for row in self.rows} - {None}
        self.odd_birth_texts = [text for text in self.birth_texts if len(text) != 8]
        self._near: dict[str, frozenset[str]] = {}

    def near_births(self, text: str) -> frozenset[str]:
        """The workers' birth texts at Hamming distance 1 from `text`."""
        near = self._near.get(text)
        if near is None:
            if len(text) == 8:  # years 1000..9999: every other such text is 8 digits too
                one_off = {text[:i] + d + text[i + 1:] for i in range(8) for d in "0123456789" if d != text[i]}
                others = self.odd_birth_texts
            else:
                one_off, others = set(), self.birth_texts
            one_off.update(other for other in others if Hamming.distance(text, other) == 1)
            near = self._near[text] = frozenset(one_off)
        return near


@lru_cache(maxsize=1 << 16)
def _date_text(day: date) -> str:
    return day.strftime("%Y%m%d")  # as _birth_score compares them


_Row = tuple[int | None, float, str, list[str], bool]  # worker, score, decision, reasons, exact ID
_FORKED_JOB: tuple | None = None


def _link_forked(job: tuple, processes: int) -> list[_Row]:
    global _FORKED_JOB
    size = len(job[0])
    chunk = max(1, min(20000, math.ceil(size / (processes * 4))))
    _FORKED_JOB = job  # the children inherit it: nothing but the chunk bounds is pickled
    try:
        with multiprocessing.get_context("fork").Pool(processes) as pool:
            chunks = pool.imap(_link_chunk, [(start, min(start + chunk, size)) for start in range(0, size, chunk)])
            return [row for rows in chunks for row in rows]
    finally:
        _FORKED_JOB = None


def _link_chunk(bounds: tuple[int, int]) -> list[_Row]:
    return _link_range(_FORKED_JOB, *bounds)


def _link_range(job: tuple, start: int, stop: int) -> list[_Row]:
    civil, index, match_threshold, review_threshold = job
    people, by_valid_id = index.people, index.by_valid_id
    floor = _Floor(min(review_threshold, match_threshold - AMBIGUITY_MARGIN))
    rows: list[_Row] = []
    for record in civil[start:stop]:
        person = _prepare(record, index.today)
        if person.id_valid and person.id_number in by_valid_id:
            rows.append((by_valid_id[person.id_number], 1.0, MATCH, ["身份证号一致且有效"], True))
            continue
        blocks = index.loose_blocks if person.id_valid and floor.other_valid_id else index.blocks
        candidates: set[int] = set()
        for key in _blocking_keys(person):
            block = blocks.get(key)
            if block:
                candidates.update(block)
        best_score, best_index, runner_up = _scan(person, candidates, index, floor) if candidates else (0, -1, 0)
        if best_index < 0:
            rows.append((None, 0.0, NONE, ["无候选记录"], False))
            continue
        reasons = score_pair(person, people[best_index])[1]
        decision = _decide(best_score, match_threshold, review_threshold)
        if decision == MATCH and best_score - runner_up < AMBIGUITY_MARGIN:
            decision = REVIEW
            reasons = [*reasons, "另有分数接近的候选"]
        rows.append((best_index if decision != NONE else None, best_score, decision, reasons, False))
    return rows


class _Floor:
    """Which candidates cannot reach `floor`: their score is capped below it (with 1e-6 to
    spare for the rounding) when two IDs disagree completely, or without two IDs when the
    birth dates differ."""

    def __init__(self, floor: float):
        w, wo = WEIGHTS_WITH_ID, WEIGHTS_WITHOUT_ID
        self.other_valid_id = self.no_id_agreement = w["name"] + w["birth"] + w["region"] < floor - 1e-6
        self.other_birth = wo["name"] + wo["region"] < floor - 1e-6


def _scan(person: _Prepared, candidates: set[int], index: _Index, floor: _Floor) -> tuple[float, int, float]:
    """The best score_pair() score over the candidates that `floor` does not rule out, its
    worker (the lowest index among equal scores; -1 when none is scored) and the runner-up
    score (-inf when there is none). Each branch below is the corresponding branch of
    _name_score, _birth_score, _region_score and _id_score."""
    name, region, number, valid = person.name, person.region, person.id_number, person.id_valid
    birth = _date_text(person.birth) if person.birth else None
    swapped = birth[:-4] + birth[-2:] + birth[-4:-2] if birth else None
    near = index.near_births(birth) if birth else frozenset()
    city = region[:4] if len(region) == 6 else None
    with_id, without_id = WEIGHTS_WITH_ID, WEIGHTS_WITHOUT_ID
    id_w, name_w, birth_w, region_w = with_id["id"], with_id["name"], with_id["birth"], with_id["region"]
    name_wo, birth_wo, region_wo = without_id["name"], without_id["birth"], without_id["region"]
    by_distance, similarity, distance = _ID_SCORE_BY_DISTANCE, Indel.normalized_similarity, OSA.distance
    rows, no_id_agreement, other_birth = index.rows, floor.no_id_agreement, floor.other_birth
    best, best_index, runner_up = -math.inf, -1, -math.inf
    for position in candidates:
        w_name, w_birth, w_region, w_number, w_valid = rows[position]
        if birth is None or w_birth is None:
            birth_score = 0.5  # missing: half agreement
        elif birth == w_birth:
            birth_score = 1.0
        elif w_birth == swapped:
            birth_score = 0.8
        elif w_birth in near:
            birth_score = 0.6
        else:
            birth_score = 0.0
        if number and w_number:
            if number == w_number:
                id_score = 1.0
            elif valid and w_valid:
                id_score = 0.0
            else:
                id_score = by_distance.get(distance(number, w_number), 0.0)
            if id_score == 0.0 and no_id_agreement:
                continue
        elif birth_score == 0.0 and other_birth:
            continue
        if not name or not w_name:
            name_score = 0.0
        elif name == w_name:
            name_score = 1.0
        else:
            name_score = similarity(name, w_name)
        if not region or not w_region:
            region_score = 0.5
        elif region == w_region:
            region_score = 1.0
        elif city is not None and len(w_region) == 6 and w_region[:4] == city:
            region_score = 0.5
        else:
            region_score = 0.0
        if number and w_number:
            score = round(0.0 + name_w * name_score + birth_w * birth_score + region_w * region_score
                          + id_w * id_score, 6)
        else:
            score = round(0.0 + name_wo * name_score + birth_wo * birth_score + region_wo * region_score, 6)
        if score > best:
            best, best_index, runner_up = score, position, best
        elif score == best:
            runner_up = score
            best_index = min(best_index, position)
        elif score > runner_up:
            runner_up = score
    return best, best_index, runner_up


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
