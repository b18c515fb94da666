"""Seeded synthetic workers and civil-affairs records for the record-linkage tests.

`generate(n_workers, n_civil, seed)` returns a `LinkageData`: workers with valid resident
IDs (GB 11643 check digit, real birth dates, Beijing district codes), civil records of
which `share_same` are the same people with corruptions (see CORRUPTIONS) and the rest
other people — some namesakes of a worker with another birth date and district — and the
ground truth: civil_ref → worker_ref or None, and civil_ref → corruptions applied.
`share_clean` (default: clean is one choice among the corruptions) makes that share of the
same people exact copies, as in real registers (bench/linkage.py).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from cases.rules.linkage import PersonRecord
from cases.rules.validators import resident_id_check_char

DISTRICTS = ["110101", "110102", "110105", "110106", "110107", "110108", "110109", "110111", "110112", "110113"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹"
# Given-name characters with a same-sounding (or look-alike) other character: the typo a
# clerk makes when writing a name down from speech.
HOMOPHONES = {
    "伟": "玮", "丽": "莉", "明": "铭", "华": "桦", "军": "君", "杰": "洁", "芳": "方", "敏": "民",
    "强": "蔷", "磊": "垒", "洋": "阳", "勇": "涌", "艳": "燕", "娟": "鹃", "涛": "滔", "斌": "彬",
    "峰": "锋", "霞": "夏", "刚": "钢", "平": "萍", "辉": "晖", "红": "虹", "建": "健", "文": "雯",
    "玲": "琳", "婷": "亭", "超": "潮", "鹏": "朋", "宇": "雨", "浩": "皓", "静": "婧", "秀": "琇",
    "国": "帼", "志": "智", "海": "凯", "春": "纯", "云": "芸", "新": "欣", "桂": "贵", "英": "瑛",
}
GIVEN_CHARS = list(HOMOPHONES)

ID_CORRUPTIONS = ("id_missing", "id_transposed", "id_digit", "id_check")
OTHER_CORRUPTIONS = ("name_homophone", "birth_swap")
CORRUPTIONS = ("clean", *ID_CORRUPTIONS, *OTHER_CORRUPTIONS)


@dataclass
class LinkageData:
    workers: list[PersonRecord]
    civil: list[PersonRecord]
    truth: dict[str, str | None]
    corruptions: dict[str, tuple[str, ...]]


def make_id(region: str, birth: date, sequence: int) -> str:
    first17 = f"{region}{birth:%Y%m%d}{sequence:03d}"
    return first17 + resident_id_check_char(first17)


class _Factory:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used_ids: set[str] = set()

    def name(self) -> str:
        given = "".join(self.rng.choice(GIVEN_CHARS) for _ in range(self.rng.choice((1, 2, 2))))
        return self.rng.choice(SURNAMES) + given

    def birth(self) -> date:
        return date(1960, 1, 1) + timedelta(days=self.rng.randrange(365 * 45))

    def id_number(self, region: str, birth: date) -> str:
        while True:
            number = make_id(region, birth, self.rng.randrange(1000))
            if number not in self.used_ids:
                self.used_ids.add(number)
                return number

    def person(self, ref: str, name: str | None = None) -> PersonRecord:
        region, birth = self.rng.choice(DISTRICTS), self.birth()
        return PersonRecord(ref, name or self.name(), self.id_number(region, birth), birth, region)

    def other_birth(self, birth: date) -> date:
        """A birth date that no typo of `birth` would give (not a swap, not one digit off)."""
        while True:
            other = self.birth()
            diff = sum(a != b for a, b in zip(f"{other:%Y%m%d}", f"{birth:%Y%m%d}"))
            swapped = (other.year, other.month, other.day) == (birth.year, birth.day, birth.month)
            if diff >= 2 and not swapped:
                return other


def _corrupt(rng: random.Random, worker: PersonRecord, kind: str) -> PersonRecord:
    number, name, birth = worker.id_number, worker.name, worker.birth_date
    if kind == "id_missing":
        number = None
    elif kind == "id_transposed":
        positions = [i for i in range(16) if number[i] != number[i + 1]]
        i = rng.choice(positions)
        number = number[:i] + number[i + 1] + number[i] + number[i + 2:]
    elif kind == "id_digit":
        i = rng.randrange(17)
        number = number[:i] + rng.choice([d for d in "0123456789" if d != number[i]]) + number[i + 1:]
    elif kind == "id_check":
        number = number[:17] + rng.choice([c for c in "0123456789X" if c != number[17]])
    elif kind == "name_homophone":
        i = rng.randrange(1, len(name))
        name = name[:i] + HOMOPHONES[name[i]] + name[i + 1:]
    elif kind == "birth_swap":
        birth = date(birth.year, birth.day, birth.month)
    elif kind != "clean":
        raise ValueError(kind)
    return PersonRecord("", name, number, birth, worker.region)


def _corruptions_for(rng: random.Random, worker: PersonRecord, share_clean: float | None) -> tuple[str, ...]:
    swappable = worker.birth_date.day <= 12 and worker.birth_date.day != worker.birth_date.month
    others = [c for c in OTHER_CORRUPTIONS if c != "birth_swap" or swappable]
    if share_clean is None:
        primary = rng.choice(["clean", *ID_CORRUPTIONS, *others])
    elif rng.random() < share_clean:
        return ("clean",)
    else:
        primary = rng.choice([*ID_CORRUPTIONS, *others])
    if primary in ID_CORRUPTIONS and rng.random() < 0.3:
        return (primary, rng.choice(others))
    return (primary,)


def generate(n_workers: int = 2000, n_civil: int = 1000, *, seed: int = 1, share_same: float = 0.7,
             share_namesakes: float = 0.5, share_clean: float | None = None) -> LinkageData:
    rng = random.Random(seed)
    factory = _Factory(rng)
    workers: list[PersonRecord] = []
    for i in range(n_workers):
        # One worker in ten shares a name with an earlier one: same name, another person.
        name = rng.choice(workers).name if workers and rng.random() < 0.1 else None
        workers.append(factory.person(f"W{i:06d}", name))

    n_same = round(n_civil * share_same)
    same_people = rng.sample(workers, n_same)
    rows: list[tuple[PersonRecord, str | None, tuple[str, ...]]] = []
    for worker in same_people:
        kinds = _corruptions_for(rng, worker, share_clean)
        record = worker
        for kind in kinds:
            record = _corrupt(rng, record, kind)
        rows.append((record, worker.ref, kinds))
    for _ in range(n_civil - n_same):
        if rng.random() < share_namesakes:
            namesake = rng.choice(workers)
            region = rng.choice([d for d in DISTRICTS if d != namesake.region])
            birth = factory.other_birth(namesake.birth_date)
            record = PersonRecord("", namesake.name, factory.id_number(region, birth), birth, region)
            kinds = ("namesake",)
        else:
            record, kinds = factory.person(""), ("other",)
        if rng.random() < 0.3:
            record = PersonRecord("", record.name, None, record.birth_date, record.region)
            kinds = (*kinds, "id_missing")
        rows.append((record, None, kinds))

    rng.shuffle(rows)
    civil: list[PersonRecord] = []
    truth: dict[str, str | None] = {}
    corruptions: dict[str, tuple[str, ...]] = {}
    for i, (record, worker_ref, kinds) in enumerate(rows):
        ref = f"C{i:06d}"
        civil.append(PersonRecord(ref, record.name, record.id_number, record.birth_date, record.region))
        truth[ref] = worker_ref
        corruptions[ref] = kinds
    return LinkageData(workers, civil, truth, corruptions)
