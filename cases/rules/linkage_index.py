"""The prepared side of record linkage (cases/rules/linkage.py): the workers indexed once
(blocks, valid IDs, one plain tuple per worker), the blocking keys, the candidate scan and
the split of the civil records over forked processes.

A record is read into a `_Row` — (name, birth date as "%Y%m%d" text or None, region,
normalised ID or "", ID valid, date inside the ID as text or None) — the fields of
linkage._prepare in the form the scan compares. `link_rows` decides every civil record and
returns only those that are not "none without a candidate", as compact tuples; most civil
records are decided by a dict lookup of their ID before anything else is read.
"""

from __future__ import annotations

import math
import multiprocessing
from array import array
from collections import defaultdict
from datetime import date
from functools import lru_cache

from rapidfuzz.distance import OSA, Hamming, Indel

from cases.rules.linkage import (
    _ID_SCORE_BY_DISTANCE,
    AMBIGUITY_MARGIN,
    MATCH,
    MAX_BLOCK_SIZE,
    NONE,
    REVIEW,
    WEIGHTS_WITH_ID,
    WEIGHTS_WITHOUT_ID,
    PersonRecord,
    _date_from_digits,
    _decide,
    _is_valid_id,
    _prepare,
    score_pair,
)

# (name, birth text, region, ID, ID valid, ID date text)
_Row = tuple[str, "str | None", str, str, bool, "str | None"]
# (civil position, worker position, score, decision, reasons, exact valid-ID match)
Decided = tuple[int, int, float, str, list[str], bool]

EXACT_ID_REASONS = ("身份证号一致且有效",)


@lru_cache(maxsize=1 << 16)
def _date_text(day: date) -> str:
    return day.strftime("%Y%m%d")  # as _birth_score compares them


@lru_cache(maxsize=1 << 16)
def _id_date_text(digits: str) -> str | None:
    day = _date_from_digits(digits)
    return _date_text(day) if day is not None else None


def _id_fields(raw: str | None, today: date) -> tuple[str, bool, str | None]:
    """The normalised ID, whether it is valid, and the text of its date (linkage._prepare)."""
    if not raw:
        return "", False, None
    number = str(raw).strip().upper()  # normalise_resident_id
    if len(number) < 14 or not number[6:14].isdigit():
        return number, False, None
    digits = number[6:14]
    id_birth = _date_from_digits(digits)
    if id_birth is None:
        return number, False, None
    return number, _is_valid_id(number, id_birth, today), _id_date_text(digits)


def _row(record: PersonRecord, today: date, id_fields: tuple[str, bool, str | None] | None = None) -> _Row:
    number, valid, id_birth = id_fields or _id_fields(record.id_number, today)
    name = record.name or ""
    if not name.isalnum():  # cheap for the usual name; otherwise drop the whitespace
        name = "".join(name.split())
    birth = _date_text(record.birth_date) if record.birth_date else id_birth
    return name, birth, (record.region or "").strip(), number, valid, id_birth


def _blocking_keys(row: _Row) -> list[tuple]:
    """Birth date with day and month in either order (so a swapped date lands in the same
    block), region + birth year + surname, the full name, and two ID prefixes; the birth
    date both as given and as inside the ID. Duplicates are harmless (blocks are unioned)."""
    name, birth, region, number, _, id_birth = row
    keys = []
    for text in (birth, id_birth) if id_birth != birth else (birth,):
        if text is None:
            continue
        year, month, day = text[:-4], text[-4:-2], text[-2:]
        keys.append(("birth", year, month, day) if month <= day else ("birth", year, day, month))
        if region and name:
            keys.append(("region-year-surname", region, year, name[0]))
    if name:
        keys.append(("name", name))
    if len(number) >= 17:
        keys.append(("id-head", number[:14]))
        keys.append(("id-region-seq", number[:6], number[14:17]))
    return keys


class _Floor:
    """Which candidates cannot reach `floor`: their score is capped below it (with 1e-6 to
    spare for the rounding) when two IDs disagree completely, or without two IDs when the
    birth dates differ; and in general when the score with equal names is below `cut`."""

    def __init__(self, floor: float):
        self.cut = floor - 1e-6
        w, wo = WEIGHTS_WITH_ID, WEIGHTS_WITHOUT_ID
        self.other_valid_id = self.no_id_agreement = w["name"] + w["birth"] + w["region"] < floor - 1e-6
        self.other_birth = wo["name"] + wo["region"] < floor - 1e-6


class _Index:
    """The workers, read once: blocks, valid IDs, and per worker the row the scan reads."""

    def __init__(self, workers: list[PersonRecord], today: date):
        self.today = today
        self.workers = workers
        self.rows = rows = [_row(worker, today) for worker in workers]
        self.by_valid_id: dict[str, int] = {}
        blocks: dict[tuple, list[int]] = defaultdict(list)
        # The same blocks with only the workers whose ID is not valid: all a civil record
        # with a valid ID (and no exact match) needs when two different valid IDs cannot
        # reach the review band.
        loose_blocks: dict[tuple, list[int]] = defaultdict(list)
        for position, row in enumerate(rows):
            if row[4]:
                self.by_valid_id.setdefault(row[3], position)
            for key in _blocking_keys(row):
                block = blocks[key]
                if not block or block[-1] != position:  # a key may come twice from one worker
                    block.append(position)
                    if not row[4]:
                        loose_blocks[key].append(position)
        # Blocks bigger than MAX_BLOCK_SIZE are never expanded: leave them out.
        self.blocks = {key: block for key, block in blocks.items() if len(block) <= MAX_BLOCK_SIZE}
        self.loose_blocks = {key: block for key, block in loose_blocks.items() if key in self.blocks}
        self.birth_texts = {row[1] for row in rows} - {None}
        # Per worker a small number for its birth text (-1: none), in one flat array the
        # scan filters on without following a pointer per candidate.
        self.birth_codes = {text: code for code, text in enumerate(sorted(self.birth_texts))}
        self.birth_codes[None] = -1
        self.births = array("i", [self.birth_codes[row[1]] for row in rows])
        self.odd_birth_texts = [text for text in self.birth_texts if len(text) != 8]
        self._near: dict[str, frozenset[str]] = {}
        self._scored_births: dict[str, frozenset[int]] = {}

    def prepared(self, position: int):
        return _prepare(self.workers[position], self.today)

    def near_births(self, text: str) -> frozenset[str]:
        """The workers' birth texts at Hamming distance 1 from `text` (and, for 8-digit
        texts, every other 8-digit text at distance 1)."""
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

    def scored_births(self, text: str) -> frozenset[int]:
        """The codes of the worker birth texts (-1: missing) that give a birth score above 0
        against `text`: equal, day and month swapped, one digit off."""
        births = self._scored_births.get(text)
        if births is None:
            swapped = text[:-4] + text[-2:] + text[-4:-2]
            codes = self.birth_codes
            births = frozenset(codes[t] for t in self.near_births(text) | {text, swapped, None} if t in codes)
            self._scored_births[text] = births
        return births


def _scan(row: _Row, candidates, index: _Index, floor: _Floor) -> tuple[float, int, float]:
    """The best score_pair() score over the candidates that `floor` does not rule out, its
    worker (the lowest index among equal scores; -1 when none is scored) and the runner-up
    score (-inf when there is none). Ruled out: candidates whose score would stay below
    the floor even with equal names (so their names are never compared), and, for a record
    without an ID, before the loop, every candidate born on a day that scores 0 (other
    birth date, one that caps the score at 0.60). Each branch below is the corresponding branch of
    _name_score, _birth_score, _region_score and _id_score, in the same order of operations
    so that the float is the same."""
    name, birth, region, number, valid, _ = row
    if birth is not None and floor.other_birth and not number:
        # Without an ID on this side a candidate with another birth date is ruled out.
        scored, births = index.scored_births(birth), index.births
        candidates = [position for position in candidates if births[position] in scored]
    swapped = birth[:-4] + birth[-2:] + birth[-4:-2] if birth else None
    near = index.near_births(birth) if birth else frozenset()
    city = region[:4] if len(region) == 6 else None
    with_id, without_id = WEIGHTS_WITH_ID, WEIGHTS_WITHOUT_ID
    id_w, name_w, birth_w, region_w = with_id["id"], with_id["name"], with_id["birth"], with_id["region"]
    name_wo, birth_wo, region_wo = without_id["name"], without_id["birth"], without_id["region"]
    by_distance, similarity, distance = _ID_SCORE_BY_DISTANCE, Indel.normalized_similarity, OSA.distance
    rows, no_id_agreement, other_birth, cut = index.rows, floor.no_id_agreement, floor.other_birth, floor.cut
    best, best_index, runner_up = -math.inf, -1, -math.inf
    for position in candidates:
        w_name, w_birth, w_region, w_number, w_valid, _ = rows[position]
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
        if not region or not w_region:
            region_score = 0.5
        elif region == w_region:
            region_score = 1.0
        elif city is not None and len(w_region) == 6 and w_region[:4] == city:
            region_score = 0.5
        else:
            region_score = 0.0
        # The score with equal names: below the floor, the name need not be compared.
        if number and w_number:
            if name_w + birth_w * birth_score + region_w * region_score + id_w * id_score < cut:
                continue
        elif name_wo + birth_wo * birth_score + region_wo * region_score < cut:
            continue
        if not name or not w_name:
            name_score = 0.0
        elif name == w_name:
            name_score = 1.0
        else:
            name_score = similarity(name, w_name)
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


def exact_id_matches(civil: list[PersonRecord], index: _Index) -> tuple[dict[int, int], list[int]]:
    """civil position → worker position for the civil records whose ID, as given, is a valid
    ID on file (given as a key of by_valid_id it is normalised and valid already), and the
    positions of the others."""
    by_valid_id = index.by_valid_id
    exact: dict[int, int] = {}
    rest: list[int] = []
    for position, record in enumerate(civil):
        worker = by_valid_id.get(record.id_number)
        if worker is None:
            rest.append(position)
        else:
            exact[position] = worker
    return exact, rest


def link_rows(civil: list[PersonRecord], positions: list[int], index: _Index, match_threshold: float,
              review_threshold: float, processes: int = 1) -> list[Decided]:
    """The decisions for civil[p], p in positions, except "none" without a candidate, in the
    order of `positions`; `processes` > 1 splits them over that many forked processes."""
    job = (civil, positions, index, match_threshold, review_threshold)
    if processes > 1 and len(positions) > 1 and "fork" in multiprocessing.get_all_start_methods():
        return _link_forked(job, processes)
    return _link_range(job, 0, len(positions))


_FORKED_JOB: tuple | None = None


def _link_forked(job: tuple, processes: int) -> list[Decided]:
    global _FORKED_JOB
    size = len(job[1])
    chunk = max(1, min(20000, math.ceil(size / (processes * 4))))
    _FORKED_JOB = job  # the children inherit it: nothing but the chunk bounds is pickled
    try:
        with multiprocessing.get_context("fork").Pool(processes) as pool:
            chunks = pool.imap(_link_chunk, [(start, min(start + chunk, size)) for start in range(0, size, chunk)])
            return [row for rows in chunks for row in rows]
    finally:
        _FORKED_JOB = None


def _link_chunk(bounds: tuple[int, int]) -> list[Decided]:
    return _link_range(_FORKED_JOB, *bounds)


def _link_range(job: tuple, start: int, stop: int) -> list[Decided]:
    civil, positions, index, match_threshold, review_threshold = job
    today, by_valid_id = index.today, index.by_valid_id
    floor = _Floor(min(review_threshold, match_threshold - AMBIGUITY_MARGIN))
    # A valid ID not on file: only workers without a valid ID can reach the review band.
    valid_blocks = index.loose_blocks if floor.other_valid_id else index.blocks
    decided: list[Decided] = []
    for position in positions[start:stop]:
        record = civil[position]
        id_fields = _id_fields(record.id_number, today)
        number, valid, _ = id_fields
        if valid:
            worker = by_valid_id.get(number)
            if worker is not None:  # the ID was not given in its normalised form
                decided.append((position, worker, 1.0, MATCH, list(EXACT_ID_REASONS), True))
                continue
            blocks = valid_blocks
            if not blocks:
                continue
        else:
            blocks = index.blocks
        row = _row(record, today, id_fields)
        candidates: set[int] = set()
        for key in _blocking_keys(row):
            block = blocks.get(key)
            if block:
                candidates.update(block)
        if not candidates:
            continue
        best_score, best_index, runner_up = _scan(row, candidates, index, floor)
        if best_index < 0:
            continue
        reasons = score_pair(_prepare(record, today), index.prepared(best_index))[1]
        decision = _decide(best_score, match_threshold, review_threshold)
        if decision == MATCH and best_score - runner_up < AMBIGUITY_MARGIN:
            decision = REVIEW
            reasons = [*reasons, "另有分数接近的候选"]
        decided.append((position, best_index if decision != NONE else -1, best_score, decision, reasons, False))
    return decided
