"""Issue 17 point 3: production settings switch on with HTTPS=on, and `check --deploy` passes.

The checks run in a fresh process on the project's own settings (config.settings), as an
operator runs them, with the environment a production server would have."""

import os
import secrets
import string
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def deploy_check(tmp_path, **env) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items()
                   if not key.startswith(("DJANGO_", "DEBUG", "SECRET_KEY", "HTTPS", "ALLOWED_HOSTS", "HSTS", "AUDIT_",
                                                    "FIELD_ENCRYPTION_", "BLIND_INDEX_"))}
    environment.update({
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "off",
        "SECRET_KEY": "".join(secrets.choice(string.ascii_letters + string.digits + "!@#%^&*(-_=+)") for _ in range(64)),
        "ALLOWED_HOSTS": "unioncase.example.org",
        "AUDIT_HMAC_KEY": secrets.token_urlsafe(48),
        "FIELD_ENCRYPTION_KEYS": secrets.token_urlsafe(48),
        "BLIND_INDEX_KEY": secrets.token_urlsafe(48),
        "STATIC_ROOT": str(tmp_path / "static"),
        **env,
    })
    return subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                          cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120)


def test_point_3_with_https_on_the_deploy_check_finds_nothing(tmp_path):
    result = deploy_check(tmp_path, HTTPS="on")

    assert result.returncode == 0, result.stderr + result.stdout
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNING" not in result.stderr + result.stdout


def test_point_3_without_https_the_deploy_check_names_what_is_missing(tmp_path):
    result = deploy_check(tmp_path)

    assert result.returncode == 1
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in result.stderr


def test_point_3_https_on_sets_cookies_hsts_redirect_and_the_proxy_header(tmp_path):
    code = ("import django; django.setup(); from django.conf import settings as s; print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
            "s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD, "
            "s.SECURE_PROXY_SSL_HEADER)")
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "off", "HTTPS": "on",
                   "SECRET_KEY": "x" * 60, "STATIC_ROOT": str(tmp_path / "static")}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=environment,
                            capture_output=True, text=True, timeout=120)

    assert result.stdout.strip() == "True True True 31536000 True True ('HTTP_X_FORWARDED_PROTO', 'https')"
