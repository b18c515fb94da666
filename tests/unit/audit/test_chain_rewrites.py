"""Issue 17, point 5: the audit chain cannot be rewritten.

The attack found: edit two events, delete one, recompute every hash and the chain head in the
database, and `verify_audit` passed. The chain is now sealed with HMAC-SHA256 under a key kept
outside the database (AUDIT_HMAC_KEY), and anchored: its head is copied to an append-only file
(AUDIT_ANCHOR_PATH) that verification compares it with.
"""

import hashlib
import hmac
import json
import logging

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cases.models import AuditChainHead, AuditEvent
from cases.platform.audit.journal import verify_chain
from cases.tasks.audit import anchor_audit_chain_task
from tests.unit.audit.tampering import KEY, anchor_lines, hmac_with, plain_sha256, raw, record

pytestmark = pytest.mark.django_db

STOLEN = KEY  # the attacker of the anchored tests holds the key too


@pytest.fixture(autouse=True)
def production_key(settings):
    settings.AUDIT_HMAC_KEY = KEY


def rewrite(*, edits=None, delete=(), hasher):
    """What someone with write access to the database does: change events, delete some, close
    the gaps, recompute the link and hash of every event from the first one touched on with
    `hasher`, and set the head to match."""
    edits = edits or {}
    for seq, reason in edits.items():
        raw("UPDATE cases_auditevent SET reason = %s WHERE seq = %s", [reason, seq])
    for seq in delete:
        raw("DELETE FROM cases_auditevent WHERE seq = %s", [seq])
    first_touched = min([*edits, *delete])
    prev = "0" * 64
    for number, event in enumerate(AuditEvent.objects.order_by("seq"), start=1):
        if number < first_touched:
            prev = event.hash
            continue
        event.seq, event.prev_hash = number, prev
        prev = hasher(event)
        raw("UPDATE cases_auditevent SET seq = %s, prev_hash = %s, hash = %s WHERE id = %s",
            [number, event.prev_hash, prev, event.pk])
    raw("UPDATE cases_auditchainhead SET last_seq = %s, last_hash = %s WHERE id = 1", [number, prev])


# -- without the key ---------------------------------------------------------------------


def test_point_5_two_edits_a_deletion_and_recomputed_sha256_hashes_and_head_fail_verification():
    record(5)
    rewrite(edits={2: "事后补记", 4: "事后补记"}, delete=[3], hasher=plain_sha256)
    assert AuditChainHead.objects.get(pk=1).last_seq == 4  # head recomputed: the old check was satisfied

    with pytest.raises(CommandError, match="审计事件 #2：哈希不符：它是未加密钥的 SHA-256"):
        call_command("verify_audit")


def test_point_5_a_rewrite_sealed_with_any_other_key_fails_at_the_first_changed_event():
    record(4)
    rewrite(edits={3: "伪造"}, hasher=hmac_with("unioncase-development-audit-key:not-secret:never-in-production"))
    report = verify_chain()
    assert report.checked == 2 and str(report.first_break) == "审计事件 #3：内容已被改动（哈希不符）"


def test_guarantee_tampering_with_an_events_data_is_named_by_verify_audit():
    record(3)
    raw("UPDATE cases_auditevent SET data = %s WHERE seq = 2", [json.dumps({"rows": 2, "amount": "9000.00"})])
    with pytest.raises(CommandError, match="审计事件 #2：内容已被改动"):
        call_command("verify_audit")


# -- with the key: the anchors -------------------------------------------------------------


def test_point_5_a_rewrite_by_someone_holding_the_key_is_caught_by_the_anchors(capsys):
    record(1)
    call_command("verify_audit", "--anchor")
    record(3, start=2)
    call_command("verify_audit", "--anchor")
    assert "已写入锚点：#4" in capsys.readouterr().out

    rewrite(edits={2: "事后补记", 3: "事后补记"}, delete=[4], hasher=hmac_with(STOLEN))
    record(1, start=5)  # and life goes on: a new event is appended on top of the rewritten chain

    with pytest.raises(CommandError, match="审计事件 #4：与 .* 的锚点记录的哈希不符：#2 至 #4 之间的事件"):
        call_command("verify_audit")


def test_point_5_an_edit_resealed_with_the_key_is_located_between_two_anchors():
    record(2)
    call_command("verify_audit", "--anchor")
    record(2, start=3)
    call_command("verify_audit", "--anchor")

    rewrite(edits={3: "事后补记"}, hasher=hmac_with(STOLEN))
    report = verify_chain()
    assert report.checked == 3
    assert str(report.first_break).startswith("审计事件 #4：与 ")
    assert "的锚点记录的哈希不符：#3 至 #4 之间的事件在锚定之后被改写、插入或删除（改写者持有密钥）" in str(report.first_break)


def test_point_5_a_deleted_event_fails_even_when_the_chain_is_resealed_with_the_key():
    record(3)
    call_command("verify_audit", "--anchor")
    rewrite(delete=[2], hasher=hmac_with(STOLEN))
    record(1, start=4)
    with pytest.raises(CommandError, match="审计事件 #3：与 .* 的锚点记录的哈希不符：#1 至 #3"):
        call_command("verify_audit")


def test_point_5_anchors_detect_the_tail_cut_off_after_an_anchor():
    record(3)
    call_command("verify_audit", "--anchor")
    raw("DELETE FROM cases_auditevent WHERE seq >= 2")
    first = AuditEvent.objects.get(seq=1)
    raw("UPDATE cases_auditchainhead SET last_seq = 1, last_hash = %s WHERE id = 1", [first.hash])

    report = verify_chain()
    assert report.checked == 1
    assert str(report.first_break).startswith("审计事件 #2：缺失：")
    assert str(report.first_break).endswith("的锚点记录审计链已到 #3，此后的链尾已被删除")


# -- the anchor file ------------------------------------------------------------------------


def test_point_5_an_anchor_is_a_json_line_sealed_with_the_key(settings):
    events = record(2)
    call_command("verify_audit", "--anchor")

    [line] = anchor_lines(settings)
    assert sorted(line) == ["at", "hash", "kind", "mac", "seq"]
    assert (line["seq"], line["hash"], line["kind"]) == (2, events[1].hash, "anchor")
    signed = json.dumps({"at": line["at"], "hash": line["hash"], "kind": "anchor", "seq": 2}, sort_keys=True,
                        separators=(",", ":"))
    assert line["mac"] == hmac.new(KEY.encode(), b"unioncase-audit-anchor\n" + signed.encode(),
                                   hashlib.sha256).hexdigest()


def test_point_5_a_line_written_without_the_key_is_refused(settings):
    record(2)
    call_command("verify_audit", "--anchor")
    forged = {"at": "2026-12-06T13:00:00+00:00", "hash": "f" * 64, "kind": "rekey", "seq": 2, "mac": "0" * 64}
    with open(settings.AUDIT_ANCHOR_PATH, "a") as handle:
        handle.write(json.dumps(forged) + "\n")

    with pytest.raises(CommandError, match="锚点文件第2行：校验码不符"):
        call_command("verify_audit")
    assert anchor_audit_chain_task.delay().get()["anchored"] is None  # nothing anchored on top of it


def test_point_5_beat_anchors_what_was_appended_once_and_refuses_a_broken_chain(settings, caplog):
    record(2)
    assert anchor_audit_chain_task.delay().get() == {"anchored": 2, "problem": ""}
    assert anchor_audit_chain_task.delay().get() == {"anchored": None, "problem": ""}  # nothing new
    record(1, start=3)
    assert anchor_audit_chain_task.delay().get() == {"anchored": 3, "problem": ""}
    assert [line["seq"] for line in anchor_lines(settings)] == [2, 3]

    record(1, start=4)
    raw("UPDATE cases_auditevent SET reason = %s WHERE seq = 4", ["事后补记"])
    with caplog.at_level(logging.ERROR, logger="cases.tasks.audit"):
        result = anchor_audit_chain_task.delay().get()
    assert result == {"anchored": None, "problem": "审计事件 #4：内容已被改动（哈希不符）"}
    assert "审计链未锚定：审计事件 #4：内容已被改动（哈希不符）" in caplog.text
    assert [line["seq"] for line in anchor_lines(settings)] == [2, 3]


def test_point_5_verify_audit_warns_when_there_is_no_anchor_to_compare_with(capsys, settings):
    record(2)
    call_command("verify_audit")
    out, err = capsys.readouterr()
    assert "审计链完整，已验证 2 条事件。" in out
    assert f"锚点文件 {settings.AUDIT_ANCHOR_PATH} 不存在" in err and "无法发现链尾被删除" in err

    call_command("verify_audit", "--anchor")
    call_command("verify_audit")
    out, err = capsys.readouterr()
    assert "已与 1 个锚点核对" in out and err == ""


def test_point_5_an_anchor_file_this_host_cannot_read_fails_verification(settings, tmp_path):
    record(1)
    settings.AUDIT_ANCHOR_PATH = str(tmp_path)  # a directory: there, but no file to read
    report = verify_chain()
    assert not report.intact and str(report.first_break).startswith(f"锚点文件：无法读取 {tmp_path}（")
