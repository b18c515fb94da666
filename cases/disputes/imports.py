"""Historical dispute import (历史案件导入, issue 7): a federation's past cases from a spreadsheet.

Each valid row becomes a case created as REGISTERED and moved through the transition door by
`import_history` to the state its outcome implies; both audit events are marked imported and
carry the file's SHA-256, the row's line and the row's own SHA-256. Imported cases issue no
documents, send no notifications and open no legal clocks.

- Re-importing: a case number already imported with the same row content is counted as
  already imported and left alone; with different content, or a number a live case holds, the
  row is an error (history is not edited by importing again).
- Case numbers of the form `<组织代码>-<年度>-<序号>` keep their year and sequence, and the
  organisation's counter moves past them so live registrations never collide; other numbers
  are kept as they are and take the next sequence of the year received. Numbered rows are
  written first so a later numbered row never meets a sequence taken by an unnumbered one.
- Rows in error are reported with line and reason and nothing of them is written. A numbered
  row whose year and sequence a case (or an earlier row) already holds is found before its
  chunk is written, so the rest of the chunk is still written at once. With
  `all_or_nothing`, any row in error writes nothing at all. Otherwise rows are committed in
  chunks, so an interrupted run keeps what it finished and a second run picks up the rest. A
  chunk is written at once (bulk inserts, then its cases through the door together); a chunk in which
  anything fails is rolled back and written again row by row, each row in its own savepoint.
- One IMPORT audit event per run records the file, its hash and the counts.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from contextlib import nullcontext
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from cases.disputes.import_rows import DisputeRow, read_dispute_rows
from cases.models import (
    Agreement,
    AuditAction,
    AuditEvent,
    CaseNumberCounter,
    Channel,
    DisputeCase,
    DisputeClaim,
    DisputeStatus,
    Employer,
    Instalment,
    Payment,
    Worker,
)
from cases.models.actors import system
from cases.models.dispute.imported import Outcome, awarded_on_claim, imported_agreement_records
from cases.models.encrypted import blind_index
from cases.platform.audit.journal import append_event, append_events
from cases.platform.table_files import file_sha256
from cases.platform.transitions import apply, apply_to_each
from cases.statistics import rollup
from cases.rules.validators import parse_resident_id

ACTOR_NAME = "import_disputes"
CHUNK_SIZE = 500
LOOKUP_CHUNK = 900  # below SQLite's bound-parameter limit
# Found or created just before the case is written: full_clean need not query them again. (Not the
# organisation: excluding it would also skip the organisation-year-sequence uniqueness check.)
RESOLVED_HERE = ("worker", "employer")
Progress = Callable[[int, int], None]
SEQUENCE_HELD = next(constraint.violation_error_message for constraint in DisputeCase._meta.constraints
                     if constraint.name == "one_number_per_org_year_sequence")


@dataclass
class DisputeImportResult:
    file_name: str
    sha256: str
    total: int = 0
    imported: int = 0
    already_imported: int = 0
    errors: list[dict] = field(default_factory=list)
    applied: bool = True


class DisputeImportRefused(Exception):
    """An all-or-nothing import met row errors: nothing was written but the run's audit event."""

    def __init__(self, result: DisputeImportResult):
        self.result = result
        super().__init__(_("历史案件文件有%(count)d行错误，按“全部或全不”要求未导入任何案件。")
                         % {"count": len(result.errors)})


class RowRefused(Exception):
    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


def _chunks(items: list, size: int) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def imported_fingerprints(numbers: list[str]) -> dict[str, str | None]:
    """Case number → the row SHA-256 it was imported with, or None for a case not imported."""
    known: dict[str, str | None] = {}
    for numbers_chunk in _chunks(numbers, LOOKUP_CHUNK):
        cases = dict(DisputeCase.objects.filter(number__in=numbers_chunk).values_list("pk", "number"))
        known.update({number: None for number in cases.values()})
        events = AuditEvent.objects.filter(
            subject_type=DisputeCase._meta.label_lower, subject_id__in=[str(pk) for pk in cases],
            name="import_history").values_list("subject_id", "data")
        for subject_id, data in events:
            known[cases[int(subject_id)]] = (data.get("input") or {}).get("row_sha256")
    return known


def _sorted_for_numbering(rows: list[DisputeRow]) -> list[DisputeRow]:
    return sorted(rows, key=lambda row: (_numbered(row) is None, row.line))


def _numbered(row: DisputeRow) -> tuple[int, int] | None:
    """(year, sequence) when the case number is the organisation's own `<code>-<year>-<seq>`."""
    match = re.fullmatch(rf"{re.escape(row.org_code)}-(\d{{4}})-(\d{{1,9}})", row.case_no)
    if match is None or int(match[2]) == 0:
        return None
    return int(match[1]), int(match[2])


class _Counters:
    """Each organisation's yearly case-number counter, locked once per chunk and saved at its end.

    A row that is refused after taking a sequence leaves a gap, as a failed live registration does."""

    def __init__(self):
        self._locked: dict[tuple[int, int], CaseNumberCounter] = {}

    def take(self, row: DisputeRow) -> tuple[int, int]:
        """The case's year and sequence; the counter ends at or past it."""
        numbered = _numbered(row)
        year = numbered[0] if numbered else row.received_on.year
        counter = self._counter(row.organisation, year)
        sequence = numbered[1] if numbered else counter.last + 1
        counter.last = max(counter.last, sequence)
        return year, sequence

    def _counter(self, organisation, year: int) -> CaseNumberCounter:
        key = (organisation.pk, year)
        if key not in self._locked:
            CaseNumberCounter.objects.get_or_create(organisation=organisation, year=year)
            self._locked[key] = CaseNumberCounter.objects.select_for_update().get(organisation=organisation, year=year)
        return self._locked[key]

    def forget(self) -> None:
        """After a rolled-back chunk: what was taken in it is undone with it."""
        self._locked.clear()

    def save_and_release(self) -> None:
        """Call inside the chunk's transaction, before it commits."""
        for counter in self._locked.values():
            counter.save(update_fields=["last"])
        self._locked.clear()


class _Parties:
    """Workers by resident ID and employers by USCC (or name, without one), found or created once per run.

    Each chunk's known parties are read in a few queries first; a party created in a chunk or a
    row's savepoint is remembered only once that chunk or row is written."""

    def __init__(self):
        self.workers: dict[str, int] = {}
        self.employers: dict[tuple, int] = {}
        self._new: list[tuple[dict, object, int]] = []

    def read_known(self, rows: list[DisputeRow]) -> None:
        resident_ids = sorted({r.worker_id_number for r in rows if r.worker_id_number} - set(self.workers))
        usccs = sorted({r.employer_uscc for r in rows if r.employer_uscc} - {k[0] for k in self.employers})
        names = sorted({r.employer_name for r in rows if not r.employer_uscc} - {k[1] for k in self.employers})
        for batch in _chunks(resident_ids, LOOKUP_CHUNK):
            by_index = {blind_index("resident_id", number): number for number in batch}  # encrypted at rest
            self.workers.update((by_index[index], pk) for index, pk in Worker.objects.filter(
                resident_id_index__in=list(by_index)).values_list("resident_id_index", "pk"))
        for batch in _chunks(usccs, LOOKUP_CHUNK):
            self.employers.update(((uscc, ""), pk) for uscc, pk in
                                  Employer.objects.filter(uscc__in=batch).values_list("uscc", "pk"))
        for batch in _chunks(names, LOOKUP_CHUNK):
            found = Employer.objects.filter(uscc__isnull=True, name__in=batch).order_by("-pk").values_list("name", "pk")
            self.employers.update(((None, name), pk) for name, pk in found)  # the oldest last: it wins

    def create_all(self, rows: list[DisputeRow]) -> tuple[list[int], list[int]]:
        """Each row's worker and employer, those not yet known created in bulk with their history."""
        new_workers: dict[object, Worker] = {}
        new_employers: dict[tuple, Employer] = {}
        worker_of, employer_of = [], []
        for index, row in enumerate(rows):
            worker_key = row.worker_id_number or ("unidentified", index)
            if worker_key not in self.workers and worker_key not in new_workers:
                new_workers[worker_key] = self._new_worker(row)
            employer_key = (row.employer_uscc, "") if row.employer_uscc else (None, row.employer_name)
            if employer_key not in self.employers and employer_key not in new_employers:
                new_employers[employer_key] = Employer(name=row.employer_name, uscc=employer_key[0])
            worker_of.append(worker_key)
            employer_of.append(employer_key)
        bulk_create_with_history(list(new_workers.values()), Worker)
        bulk_create_with_history(list(new_employers.values()), Employer)
        for key, worker in new_workers.items():
            if isinstance(key, str):  # a resident ID: the same person may come again
                self._new.append((self.workers, key, worker.pk))
        for key, employer in new_employers.items():
            self._new.append((self.employers, key, employer.pk))
        workers = [new_workers[key].pk if key in new_workers else self.workers[key] for key in worker_of]
        employers = [new_employers[key].pk if key in new_employers else self.employers[key] for key in employer_of]
        return workers, employers

    @staticmethod
    def _new_worker(row: DisputeRow) -> Worker:
        if not row.worker_id_number:
            return Worker(name=row.worker_name)
        info = parse_resident_id(row.worker_id_number)
        return Worker(name=row.worker_name, resident_id=row.worker_id_number, birth_date=info.birth_date, sex=info.sex)

    def keep_new(self) -> None:
        for cache, key, pk in self._new:
            cache[key] = pk
        self._new.clear()

    def forget_new(self) -> None:
        self._new.clear()


def _provenance(row: DisputeRow, sha256: str) -> dict:
    return {"file_sha256": sha256, "line": row.line, "row_sha256": row.fingerprint}


def _new_case(row: DisputeRow, worker_id: int, employer_id: int, year: int, sequence: int) -> DisputeCase:
    return DisputeCase(
        organisation=row.organisation, year=year, sequence=sequence, number=row.case_no,
        worker_id=worker_id, employer_id=employer_id, channel=Channel.UNRECORDED,
        received_on=row.received_on, facts=_("历史数据导入，原始记录未载明争议事实。"),
    )


def _new_claim(row: DisputeRow, case: DisputeCase) -> DisputeClaim:
    return DisputeClaim(case=case, claim_type=row.claim_type, amount_claimed=row.claimed_yuan,
                        amount_awarded=awarded_on_claim(row.outcome, row.awarded_yuan))


def _record_agreements(rows: list[DisputeRow], cases: list[DisputeCase]) -> None:
    """The agreements (with instalment and payment) of the rows whose outcome is one, in bulk with history."""
    records_by_model: dict[type, list] = {model: [] for model in (Agreement, Instalment, Payment)}
    for row, case in zip(rows, cases, strict=True):
        if row.outcome != Outcome.AGREEMENT:
            continue
        for record in imported_agreement_records(
                case, effective_on=row.agreement_effective_on, awarded=Decimal(row.awarded_yuan or 0),
                paid=Decimal(row.paid_yuan or 0), case_no=row.case_no):
            records_by_model[type(record)].append(record)
    for model, records in records_by_model.items():  # in order: each refers to the one before
        bulk_create_with_history(records, model)


def _register_event(row: DisputeRow, case: DisputeCase, sha256: str, by) -> dict:
    return {"action": AuditAction.TRANSITION, "actor": by, "subject": case, "organisation": row.organisation,
            "name": "register", "to_state": DisputeStatus.REGISTERED,
            "data": {"imported": True, "channel": Channel.UNRECORDED, **_provenance(row, sha256)}}


def _outcome_input(row: DisputeRow, sha256: str) -> dict:
    """What the import_history transition is given (and its audit event keeps as input)."""
    return {"outcome": row.outcome, "accepted_on": row.accepted_on, "agreement_effective_on": row.agreement_effective_on,
            "awarded_yuan": row.awarded_yuan, "paid_yuan": row.paid_yuan, "case_no": row.case_no,
            **_provenance(row, sha256)}


def _write_case(row: DisputeRow, parties: _Parties, counters: _Counters, sha256: str, by) -> DisputeCase:
    year, sequence = counters.take(row)
    [worker], [employer] = parties.create_all([row])
    case = _new_case(row, worker, employer, year, sequence)
    try:
        case.full_clean(exclude=RESOLVED_HERE)
    except ValidationError as error:
        raise RowRefused("；".join(error.messages)) from None
    case.save()
    _new_claim(row, case).save()
    _record_agreements([row], [case])
    append_event(**_register_event(row, case, sha256, by))
    apply(case, "import_history", by=by, imported=True, data=_outcome_input(row, sha256))
    rollup.count_new_cases([case])
    return case


def _write_row(row: DisputeRow, parties: _Parties, counters: _Counters, sha256: str, by) -> str | None:
    """Write one row in its own savepoint; the reason it was refused, or None when written."""
    try:
        with transaction.atomic():
            _write_case(row, parties, counters, sha256, by)
    except RowRefused as refused:
        parties.forget_new()
        return refused.reason
    parties.keep_new()
    return None


def _triage(rows: list[DisputeRow], result: DisputeImportResult) -> list[DisputeRow]:
    """Rows to write: those whose number is new. Already imported rows are counted, clashes are errors."""
    known = imported_fingerprints([row.case_no for row in rows])
    to_write = []
    for row in rows:
        if row.case_no not in known:
            to_write.append(row)
        elif known[row.case_no] == row.fingerprint:
            result.already_imported += 1
        elif known[row.case_no] is None:
            result.errors.append({"line": row.line, "reason": _("案件编号“%(no)s”已被系统中的案件使用")
                                  % {"no": row.case_no}})
        else:
            result.errors.append({"line": row.line, "reason": _(
                "案件编号“%(no)s”此前已导入，本行内容与当时不同；历史案件不能通过再次导入修改") % {"no": row.case_no}})
    return to_write


def _write_rows(rows: list[DisputeRow], result: DisputeImportResult, *, by, report: Progress) -> None:
    """Chunk by chunk: all at once when every row of the chunk goes through, else row by row
    (each in its own savepoint) so the rows in error are found and the others still written."""
    parties, counters, done = _Parties(), _Counters(), result.total - len(rows)
    for rows_of_chunk in _chunks(_sorted_for_numbering(rows), CHUNK_SIZE):
        done += len(rows_of_chunk)
        chunk = _set_aside_held_numbers(rows_of_chunk, result)
        try:
            with transaction.atomic():
                parties.read_known(chunk)
                _write_chunk_at_once(chunk, parties, counters, result.sha256, by)
                counters.save_and_release()
            parties.keep_new()
            result.imported += len(chunk)
        except Exception:  # noqa: BLE001 - rolled back; row by row names the row and its reason
            parties.forget_new()
            counters.forget()
            _write_chunk_row_by_row(chunk, result, parties, counters, by)
        report(done, result.total)


def _write_chunk_row_by_row(chunk: list[DisputeRow], result: DisputeImportResult, parties: _Parties,
                            counters: _Counters, by) -> None:
    with transaction.atomic():
        parties.read_known(chunk)
        for row in chunk:
            reason = _write_row(row, parties, counters, result.sha256, by)
            if reason is None:
                result.imported += 1
            else:
                result.errors.append({"line": row.line, "reason": reason})
        counters.save_and_release()


def _write_chunk_at_once(chunk: list[DisputeRow], parties: _Parties, counters: _Counters, sha256: str, by) -> None:
    """The chunk's cases, claims, agreements, parties and their history rows in bulk, their register
    events in one append, then the cases through the door together. Raises on the first problem of
    any row."""
    numbers = [counters.take(row) for row in chunk]
    _refuse_taken_sequences(chunk, numbers)
    workers, employers = parties.create_all(chunk)
    cases = [_new_case(row, worker, employer, year, sequence)
             for row, worker, employer, (year, sequence) in zip(chunk, workers, employers, numbers, strict=True)]
    for case in cases:  # uniqueness: numbers triaged, sequences checked above
        case.full_clean(exclude=(*RESOLVED_HERE, "organisation"), validate_unique=False, validate_constraints=False)
    bulk_create_with_history(cases, DisputeCase)
    bulk_create_with_history([_new_claim(row, case) for row, case in zip(chunk, cases, strict=True)], DisputeClaim)
    _record_agreements(chunk, cases)
    append_events([_register_event(row, case, sha256, by) for row, case in zip(chunk, cases, strict=True)])
    apply_to_each(cases, "import_history", by=by, imported=True, data=[_outcome_input(row, sha256) for row in chunk])
    rollup.count_new_cases(cases)


def _set_aside_held_numbers(chunk: list[DisputeRow], result: DisputeImportResult) -> list[DisputeRow]:
    """The chunk without its numbered rows whose year and sequence a case, or an earlier row of
    the chunk, already holds: those are errors found before writing, so the rest of the chunk
    can still be written at once."""
    keys = [(row.organisation.pk, *numbered) if (numbered := _numbered(row)) else None for row in chunk]
    held = _held_sequences({key for key in keys if key is not None})
    kept = []
    for row, key in zip(chunk, keys, strict=True):
        if key in held:
            result.errors.append({"line": row.line, "reason": str(SEQUENCE_HELD)})
            continue
        if key is not None:
            held.add(key)
        kept.append(row)
    return kept


def _held_sequences(keys: set[tuple[int, int, int]]) -> set[tuple[int, int, int]]:
    """Which of these (organisation, year, sequence) a case already holds."""
    if not keys:
        return set()
    candidates = DisputeCase.objects.filter(
        organisation_id__in={key[0] for key in keys}, year__in={key[1] for key in keys},
        sequence__in={key[2] for key in keys}).values_list("organisation_id", "year", "sequence")
    return set(candidates) & keys


def _refuse_taken_sequences(chunk: list[DisputeRow], numbers: list[tuple[int, int]]) -> None:
    """A sequence taken since the chunk was checked (a live registration): left to the row-by-row path."""
    wanted = {(row.organisation.pk, year, sequence) for row, (year, sequence) in zip(chunk, numbers, strict=True)}
    if len(wanted) < len(chunk) or _held_sequences(wanted):
        raise RowRefused(_("案件序号已被占用"))


def _journal(result: DisputeImportResult, *, by, all_or_nothing: bool) -> None:
    append_event(action=AuditAction.IMPORT, actor=by, name="import_disputes", data={
        "file_name": result.file_name, "sha256": result.sha256, "applied": result.applied,
        "all_or_nothing": all_or_nothing, "rows_total": result.total, "imported": result.imported,
        "already_imported": result.already_imported, "rejected": len(result.errors),
        "error_lines": [error["line"] for error in result.errors],
    })


def import_disputes(path, *, by=None, all_or_nothing: bool = False, progress: Progress | None = None
                    ) -> DisputeImportResult:
    """Import the file's historical cases. Raises TableFileError when the file or its header cannot
    be used, DisputeImportRefused when `all_or_nothing` and any row is in error."""
    path, by = Path(path), by or system(ACTOR_NAME)
    report = progress or (lambda done, total: None)
    parsed = read_dispute_rows(path)
    result = DisputeImportResult(file_name=path.name, sha256=file_sha256(path), total=parsed.total,
                                 errors=list(parsed.errors))
    report(len(parsed.errors), result.total)
    try:
        with transaction.atomic() if all_or_nothing else nullcontext():
            to_write = _triage(parsed.rows, result)
            if all_or_nothing and result.errors:
                raise _Refuse()
            _write_rows(to_write, result, by=by, report=report)
            if all_or_nothing and result.errors:
                raise _Refuse()
    except _Refuse:
        result.applied, result.imported = False, 0
    result.errors.sort(key=lambda error: error["line"])
    _journal(result, by=by, all_or_nothing=all_or_nothing)
    report(result.total, result.total)
    if not result.applied:
        raise DisputeImportRefused(result)
    return result


class _Refuse(Exception):
    """Rolls back an all-or-nothing import that met a row in error."""
