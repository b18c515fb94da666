"""Settings for the test suite: the project's own, plus a test-only app of fixture flows."""

from config.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "tests.workflow_fixtures"]  # noqa: F405
