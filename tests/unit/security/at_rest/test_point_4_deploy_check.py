"""Issue 17, point 4: `check --deploy` with DEBUG off refuses the public development keys of the
field encryption (unioncase.E021) and of the blind index (unioncase.E022), and short ones."""

from django.core.checks import run_checks

GOOD = "Zk3pW9qLr2Xv8TnB5cYh1MdF7gJs4aQe"  # 32 characters


def key_check_ids(settings, *, keys: str, blind: str, debug: bool = False) -> set[str]:
    settings.FIELD_ENCRYPTION_KEYS, settings.BLIND_INDEX_KEY, settings.DEBUG = keys, blind, debug
    return {message.id for message in run_checks(tags=["security"], include_deployment_checks=True)
            if message.id in ("unioncase.E021", "unioncase.E022")}


def test_point_4_check_deploy_refuses_unset_public_or_short_field_keys_when_debug_is_off(settings):
    assert key_check_ids(settings, keys="", blind="") == {"unioncase.E021", "unioncase.E022"}
    assert key_check_ids(settings, keys="unioncase-development-field-key:not-secret:never-in-production",
                         blind="unioncase-development-blind-index-key:not-secret:never-in-production") == {
        "unioncase.E021", "unioncase.E022"}
    assert key_check_ids(settings, keys=f"{GOOD},short-old-key", blind=GOOD) == {"unioncase.E021"}
    assert key_check_ids(settings, keys=GOOD, blind="short") == {"unioncase.E022"}
    assert key_check_ids(settings, keys=f"{GOOD},{GOOD[::-1]}", blind=GOOD[::-1]) == set()
    assert key_check_ids(settings, keys="", blind="", debug=True) == set()  # development


def test_point_4_the_messages_name_the_variable_and_the_rotation_command(settings):
    settings.FIELD_ENCRYPTION_KEYS, settings.BLIND_INDEX_KEY, settings.DEBUG = "", "", False
    errors = {m.id: m for m in run_checks(include_deployment_checks=True) if m.id in ("unioncase.E021", "unioncase.E022")}
    assert "FIELD_ENCRYPTION_KEYS" in errors["unioncase.E021"].msg and "rotate_field_keys" in errors["unioncase.E021"].hint
    assert "BLIND_INDEX_KEY" in errors["unioncase.E022"].msg and "rotate_field_keys" in errors["unioncase.E022"].hint
    assert "unioncase.E021" not in {m.id for m in run_checks()}
