"""Settings for the test suite: the project's own, plus a test-only app of fixture flows."""

from config.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "tests.workflow_fixtures"]  # noqa: F405

# Most tests sign people in with force_login() and no authenticator; the two-factor tests
# (tests/unit/security/login/test_two_factor.py, tests/e2e/test_two_factor.py) turn this on.
TWO_FACTOR_ENFORCED = False
# Tests travel in time (freezegun) while signed in; the idle timeout (30 minutes in production)
# would sign them out. tests/unit/security/login/test_idle_timeout.py sets it back.
SESSION_COOKIE_AGE = 14 * 24 * 60 * 60
