import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from cases.models import AuditAction, AuditEvent, ImmutableError
from cases.models.actors import system
from cases.platform.audit.journal import append_event, compute_hash, verify_chain

pytestmark = pytest.mark.django_db


def record_three(actor):
    return [
        append_event(action=AuditAction.EXPORT, actor=actor, name=f"export-{n}", data={"rows": n, "名称": "导出"})
        for n in range(1, 4)
    ]


def raw(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_events_form_a_chain_from_genesis():
    first, second, third = record_three(system("test"))
    assert [first.seq, second.seq, third.seq] == [1, 2, 3]
    assert first.prev_hash == "0" * 64
    assert second.prev_hash == first.hash and third.prev_hash == second.hash
    assert compute_hash(AuditEvent.objects.get(seq=2)) == second.hash


def insert_forged_event(*, seq, occurred_at, prev_hash, hash):
    raw(
        "INSERT INTO cases_auditevent (seq, occurred_at, actor_label, action, subject_type, subject_id,"
        " name, from_state, to_state, reason, data, prev_hash, hash)"
        " VALUES (%s, %s, 'intruder', 'export', '', '', 'forged', '', '', '', '{}', %s, %s)",
        [seq, occurred_at, prev_hash, hash],
    )


def test_verify_audit_passes_on_an_intact_chain(capsys):
    record_three(system("test"))
    call_command("verify_audit")
    assert "已验证 3 条" in capsys.readouterr().out


def test_orm_refuses_updates_and_deletes():
    event = record_three(system("test"))[0]
    event.reason = "篡改"
    with pytest.raises(ImmutableError):
        event.save()
    with pytest.raises(ImmutableError):
        event.delete()
    with pytest.raises(ImmutableError):
        AuditEvent.objects.filter(pk=event.pk).update(reason="篡改")
    with pytest.raises(ImmutableError):
        AuditEvent.objects.all().delete()


def test_verify_audit_names_an_edited_event():
    record_three(system("test"))
    raw("UPDATE cases_auditevent SET reason = %s WHERE seq = 2", ["事后补记"])
    assert str(verify_chain().first_break).startswith("审计事件 #2")
    with pytest.raises(CommandError, match="#2.*改动"):
        call_command("verify_audit")


def test_verify_audit_names_an_edited_event_whose_hash_was_recomputed():
    record_three(system("test"))
    forged = AuditEvent.objects.get(seq=2)
    forged.reason = "伪造"
    raw("UPDATE cases_auditevent SET reason = %s, hash = %s WHERE seq = 2", ["伪造", compute_hash(forged)])
    with pytest.raises(CommandError, match="#3"):
        call_command("verify_audit")


def test_verify_audit_names_a_deleted_event():
    record_three(system("test"))
    raw("DELETE FROM cases_auditevent WHERE seq = 2")
    with pytest.raises(CommandError, match="#2.*缺失"):
        call_command("verify_audit")


def test_verify_audit_notices_the_newest_event_removed():
    record_three(system("test"))
    raw("DELETE FROM cases_auditevent WHERE seq = 3")
    with pytest.raises(CommandError, match="#3.*缺失"):
        call_command("verify_audit")


def test_verify_audit_names_an_inserted_event():
    first, second, _third = record_three(system("test"))
    # Renumber to make room, then slip a forged event in after #1 with a plausible chain link.
    raw("UPDATE cases_auditevent SET seq = seq + 100 WHERE seq >= 2")
    insert_forged_event(seq=2, occurred_at=first.occurred_at, prev_hash=first.hash, hash="f" * 64)
    with pytest.raises(CommandError, match="#2"):
        call_command("verify_audit")


def test_verify_audit_names_an_event_appended_behind_the_journals_back():
    _first, _second, third = record_three(system("test"))
    insert_forged_event(seq=4, occurred_at=third.occurred_at, prev_hash=third.hash, hash="e" * 64)
    with pytest.raises(CommandError, match="#4"):
        call_command("verify_audit")


def test_login_and_failed_login_are_journalled(client, make_user):
    make_user("li")
    client.login(username="li", password="pw-li")
    client.login(username="li", password="wrong")
    actions = list(AuditEvent.objects.values_list("action", "actor_label"))
    assert (AuditAction.LOGIN, "li") in actions
    assert (AuditAction.LOGIN_FAILED, "system:login") in actions
