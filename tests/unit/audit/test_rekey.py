"""Issue 17, point 5: moving a chain written before it was keyed, and rotating the key
(`manage.py rekey_audit_chain`): the old chain is verified the old way first, then re-sealed,
journalled and anchored."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cases.models import AuditAction, AuditEvent
from cases.platform.audit.journal import verify_chain
from tests.unit.audit.tampering import KEY, anchor_lines, hashes, hmac_with, plain_sha256, raw, record

pytestmark = pytest.mark.django_db

NEW_KEY = "rotated-audit-key-2027-c4e6a8b0d2f4a6c8e0b2d4f6a8c0e2b4"


@pytest.fixture(autouse=True)
def production_key(settings):
    settings.AUDIT_HMAC_KEY = KEY


def reseal_all(hasher):
    """Every link and hash recomputed from the first event with `hasher`, and the head."""
    prev = "0" * 64
    for event in AuditEvent.objects.order_by("seq"):
        event.prev_hash = prev
        prev = hasher(event)
        raw("UPDATE cases_auditevent SET prev_hash = %s, hash = %s WHERE id = %s", [event.prev_hash, prev, event.pk])
    raw("UPDATE cases_auditchainhead SET last_hash = %s WHERE id = 1", [prev])


def test_point_5_a_chain_written_before_the_key_moves_once_with_rekey_from_sha256(settings, capsys):
    record(3)
    reseal_all(plain_sha256)  # what a database written before this change holds
    with pytest.raises(CommandError, match="#1：哈希不符：它是未加密钥的 SHA-256.*rekey_audit_chain --from-sha256"):
        call_command("verify_audit")
    record(1, start=4)  # appended after the upgrade, before the move: already sealed with the key

    call_command("rekey_audit_chain", "--from-sha256")

    assert "已用当前密钥重写 4 条审计事件（核对了 0 个旧锚点）；本次重写记为审计事件 #5" in capsys.readouterr().out
    report = verify_chain()
    assert report.intact and report.checked == 5
    event = AuditEvent.objects.get(seq=5)
    assert (event.action, event.name, event.actor_label) == (AuditAction.VERIFY, "rekey_audit_chain",
                                                             "system:rekey_audit_chain")
    assert event.data == {"from": "sha256", "to": "hmac-sha256", "events": 4, "anchors_checked": 0}
    [line] = anchor_lines(settings)
    assert (line["kind"], line["seq"], line["hash"]) == ("rekey", 5, event.hash)

    with pytest.raises(CommandError, match="锚点文件 .* 已有记录：审计链早已用密钥计算哈希，不能再从 SHA-256 迁移"):
        call_command("rekey_audit_chain", "--from-sha256")


def test_point_5_a_plain_sha256_rewrite_of_an_anchored_chain_cannot_be_passed_off_as_history():
    record(3)
    call_command("verify_audit", "--anchor")
    raw("UPDATE cases_auditevent SET reason = %s WHERE seq = 2", ["事后补记"])
    reseal_all(plain_sha256)
    before = hashes()

    with pytest.raises(CommandError, match="不能再从 SHA-256 迁移"):
        call_command("rekey_audit_chain", "--from-sha256")
    assert hashes() == before


def test_point_5_rekey_refuses_an_old_chain_that_does_not_verify_and_changes_nothing():
    record(3)
    reseal_all(plain_sha256)
    raw("UPDATE cases_auditevent SET reason = %s WHERE seq = 2", ["事后补记"])
    before = hashes()

    with pytest.raises(CommandError, match="按旧方案校验审计链未通过（审计事件 #2：内容已被改动（哈希不符））"):
        call_command("rekey_audit_chain", "--from-sha256")
    assert hashes() == before and AuditEvent.objects.count() == 3


def test_point_5_rotating_the_key_checks_the_chain_and_its_anchors_with_the_old_key(settings, monkeypatch, capsys):
    record(2)
    call_command("verify_audit", "--anchor")
    record(1, start=3)
    call_command("verify_audit", "--anchor")

    settings.AUDIT_HMAC_KEY = NEW_KEY
    monkeypatch.setenv("AUDIT_HMAC_OLD_KEY", KEY)
    with pytest.raises(CommandError, match="#1：内容已被改动"):
        call_command("verify_audit")
    record(1, start=4)  # sealed with the new key on top of the old chain

    call_command("rekey_audit_chain", "--old-key-env", "AUDIT_HMAC_OLD_KEY")

    assert "已用当前密钥重写 4 条审计事件（核对了 2 个旧锚点）；本次重写记为审计事件 #5" in capsys.readouterr().out
    report = verify_chain()
    assert report.intact and report.checked == 5
    assert [(a.kind, a.seq) for a in report.anchors.anchors] == [("rekey", 5)]  # the old ones named old hashes
    assert [line["kind"] for line in anchor_lines(settings)] == ["anchor", "anchor", "rekey"]
    assert AuditEvent.objects.get(seq=5).data["from"] == "hmac-sha256（旧密钥）"
    call_command("verify_audit")
    out = capsys.readouterr().out
    assert "审计链完整，已验证 5 条事件。" in out and "用当前密钥重写（rekey_audit_chain，锚点文件第 3 行）" in out

    settings.AUDIT_HMAC_KEY = KEY
    assert not verify_chain().intact  # the old key no longer seals it


def test_point_5_rotation_refuses_a_chain_its_old_anchors_contradict(settings, monkeypatch):
    record(3)
    call_command("verify_audit", "--anchor")
    raw("UPDATE cases_auditevent SET reason = %s WHERE seq = 3", ["事后补记"])
    reseal_all(hmac_with(KEY))  # by someone who holds the old key
    before = hashes()

    settings.AUDIT_HMAC_KEY = NEW_KEY
    monkeypatch.setenv("AUDIT_HMAC_OLD_KEY", KEY)
    with pytest.raises(CommandError, match="审计事件 #3：与 .* 的锚点记录的哈希不符"):
        call_command("rekey_audit_chain", "--old-key-env", "AUDIT_HMAC_OLD_KEY")
    assert hashes() == before


def test_point_5_rotation_refuses_a_wrong_old_key_a_missing_one_and_the_same_key(settings, monkeypatch):
    record(2)
    settings.AUDIT_HMAC_KEY = NEW_KEY
    monkeypatch.setenv("AUDIT_HMAC_OLD_KEY", "not-the-key-the-chain-was-sealed-with-0000")
    with pytest.raises(CommandError, match="审计事件 #1：内容已被改动"):
        call_command("rekey_audit_chain", "--old-key-env", "AUDIT_HMAC_OLD_KEY")
    with pytest.raises(CommandError, match="环境变量 AUDIT_KEY_NOBODY_SET 未设置或为空"):
        call_command("rekey_audit_chain", "--old-key-env", "AUDIT_KEY_NOBODY_SET")
    monkeypatch.setenv("AUDIT_HMAC_OLD_KEY", NEW_KEY)
    with pytest.raises(CommandError, match="旧密钥与当前的 AUDIT_HMAC_KEY 相同"):
        call_command("rekey_audit_chain", "--old-key-env", "AUDIT_HMAC_OLD_KEY")


def test_point_5_rekey_will_not_seal_a_production_chain_with_the_public_development_key(settings):
    record(2)
    reseal_all(plain_sha256)
    settings.AUDIT_HMAC_KEY, settings.DEBUG = "", False
    with pytest.raises(CommandError, match="AUDIT_HMAC_KEY 未设置：不能用公开的开发密钥重写审计链"):
        call_command("rekey_audit_chain", "--from-sha256")
