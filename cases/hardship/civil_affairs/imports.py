"""Civil-affairs data exchange (民政部门数据对接, issue 5): importing the department's records
idempotently, then linking them to the people on file.

- `import_civil_affairs(...)`: writes new and changed records in batches (one query loads the
  existing keys), journals one audit event with the file's SHA-256 and the stated purpose,
  then links the new and changed records.
- `import_civil_rows(...)`: the same import of rows validated already — how a batch the
  department pushes through the API (api/system/civil_affairs.py) is imported.

Reading and validating the file is cases.hardship.civil_affairs.file; linking and the
caseworker's decision on each link (confirm_link / reject_link) is
cases.hardship.civil_affairs.links.

All-or-nothing imports: when any row is in error nothing is written to the records or links;
the refused run itself is kept (CivilAffairsImport with applied=False, its errors, and its
audit event), because the receipt of personal data for a stated purpose must be traceable
even when the data is not taken in. `CivilAffairsImportRefused` carries that run.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from cases.hardship.civil_affairs.file import COMPARED_FIELDS, CivilFile, read_civil_affairs_rows
from cases.hardship.civil_affairs.links import BATCH_SIZE, link_civil_records
from cases.models import AuditAction, CivilAffairsImport, CivilAffairsRecord, Organisation, Role
from cases.models.access import require_can_act
from cases.models.actors import is_system
from cases.platform.audit.journal import append_event
from cases.platform.table_files import file_sha256

DEFAULT_PURPOSE = "困难职工精准识别与帮扶"


class CivilAffairsImportRefused(Exception):
    """An all-or-nothing import found row errors; nothing was written but the refused run."""

    def __init__(self, run: CivilAffairsImport):
        self.run = run
        self.errors = list(run.errors)
        super().__init__(_("民政数据有%(count)d行错误，按“全部或全不”要求未导入任何记录。") % {"count": len(self.errors)})


def _may_import(by, organisation: Organisation) -> None:
    if not is_system(by):
        require_can_act(by, organisation, [Role.HARDSHIP_CASEWORKER, Role.ORG_ADMIN])


def _journal_import(run: CivilAffairsImport, *, by, all_or_nothing: bool) -> None:
    append_event(
        action=AuditAction.IMPORT, actor=by, subject=run, organisation=run.organisation, name="import_civil_affairs",
        data={"file_name": run.file_name, "sha256": run.sha256, "purpose": run.purpose, "applied": run.applied,
              "all_or_nothing": all_or_nothing, "rows_total": run.rows_total, "created": run.rows_created,
              "updated": run.rows_updated, "unchanged": run.rows_unchanged, "rejected": run.rows_rejected,
              "error_lines": [error["line"] for error in run.errors]},
    )


def import_civil_affairs(path, *, organisation: Organisation, by, purpose: str, all_or_nothing: bool = False,
                         progress: Callable[[int, int], None] | None = None) -> CivilAffairsImport:
    """Import the file for `organisation` and link its new and changed records.

    Idempotent: importing the same file again creates and changes no record (the run itself
    is recorded, with every row unchanged). The linking's LinkSummary is on `run.link_summary`. With `all_or_nothing`, any row error refuses the
    whole file: CivilAffairsImportRefused is raised and only the refused run is kept."""
    path = Path(path)
    purpose = _stated_purpose(purpose)
    _may_import(by, organisation)
    parsed = read_civil_affairs_rows(path)
    return import_civil_rows(parsed, organisation=organisation, by=by, purpose=purpose, file_name=path.name,
                             sha256=file_sha256(path), all_or_nothing=all_or_nothing, progress=progress)


def _stated_purpose(purpose: str) -> str:
    purpose = (purpose or "").strip()
    if not purpose:
        raise ValidationError({"purpose": _("请说明民政数据的使用目的（个人信息保护法第六条）。")})
    return purpose


def import_civil_rows(parsed: CivilFile, *, organisation: Organisation, by, purpose: str, file_name: str,
                      sha256: str, all_or_nothing: bool = False,
                      progress: Callable[[int, int], None] | None = None) -> CivilAffairsImport:
    """Import rows read and validated already (validate_civil_rows): a file's, or a batch the
    department pushed through the API, named by `file_name` and fingerprinted by `sha256`.
    Everything import_civil_affairs says of the import holds; besides, `run.row_results` tells
    what became of each valid row's record key ("created", "updated" or "unchanged")."""
    purpose = _stated_purpose(purpose)
    _may_import(by, organisation)
    report = progress or (lambda done, total: None)
    run = CivilAffairsImport(
        organisation=organisation, file_name=file_name[:255], sha256=sha256,
        purpose=purpose[:200], imported_by=None if is_system(by) else by, rows_total=parsed.total,
        rows_rejected=len(parsed.errors), errors=parsed.errors,
    )
    run.row_results = {}
    if all_or_nothing and parsed.errors:
        with transaction.atomic():
            run.applied = False
            run.save()
            _journal_import(run, by=by, all_or_nothing=True)
        report(parsed.total, parsed.total)
        raise CivilAffairsImportRefused(run)

    with transaction.atomic():
        run.save()
        changed = _write_records(run, parsed, report)
        _journal_import(run, by=by, all_or_nothing=all_or_nothing)
    # Linking runs after the records are in: records it could not reach keep linked_at empty
    # and are taken up again by the next import or link_civil_records.
    to_link = CivilAffairsRecord.objects.filter(organisation=organisation).filter(
        Q(pk__in=changed) | Q(linked_at__isnull=True))
    run.link_summary = link_civil_records(organisation=organisation, records=to_link, import_run=run)
    return run


def _write_records(run: CivilAffairsImport, parsed: CivilFile, report: Callable[[int, int], None]) -> list[int]:
    """Create new records, update changed ones; returns the keys of both. One query loads
    every existing record of the organisation."""
    existing = {
        record.record_key: record
        for record in CivilAffairsRecord.objects.filter(organisation=run.organisation).only(
            "pk", "record_key", *COMPARED_FIELDS).iterator(chunk_size=5000)
    }
    total = parsed.total
    done = len(parsed.errors)
    report(0, total)
    created = updated = unchanged = 0
    changed_pks: list[int] = []
    results = run.row_results = {}
    for start in range(0, len(parsed.rows), BATCH_SIZE):
        batch = parsed.rows[start:start + BATCH_SIZE]
        new, dirty = [], []
        for row in batch:
            record = existing.get(row.record_key)
            if record is None:
                new.append(CivilAffairsRecord(organisation=run.organisation, record_key=row.record_key,
                                              first_import=run, **row.values()))
                results[row.record_key] = "created"
                continue
            values = row.values()
            if all(getattr(record, name) == value for name, value in values.items()):
                unchanged += 1
                results[row.record_key] = "unchanged"
                continue
            for name, value in values.items():
                setattr(record, name, value)
            dirty.append(record)
            results[row.record_key] = "updated"
        created_records = CivilAffairsRecord.objects.bulk_create(new)
        if dirty:
            CivilAffairsRecord.objects.bulk_update(dirty, [*COMPARED_FIELDS, "id_number_index"])
        created += len(new)
        updated += len(dirty)
        changed_pks.extend(record.pk for record in dirty)
        changed_pks.extend(record.pk for record in created_records if record.pk is not None)
        if any(record.pk is None for record in created_records):  # backends that return no keys
            keys = [record.record_key for record in new]
            changed_pks.extend(CivilAffairsRecord.objects.filter(
                organisation=run.organisation, record_key__in=keys).values_list("pk", flat=True))
        done += len(batch)
        report(done, total)
    if not parsed.rows:
        report(total, total)
    run.rows_created, run.rows_updated, run.rows_unchanged = created, updated, unchanged
    run.save(update_fields=["rows_created", "rows_updated", "rows_unchanged"])
    return changed_pks
