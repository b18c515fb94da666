"""Beat's daily clean-up of the system clients' tokens (api/tasks.py): an expired access token is
removed, a live one kept and still accepted."""

from datetime import timedelta

import pytest
from django.utils import timezone
from oauth2_provider.models import AccessToken

from api.tasks import clear_expired_tokens_task
from tests.unit.rest_api.system.conftest import connected

pytestmark = pytest.mark.django_db

STATISTICS = "/api/v1/statistics/hardship?from=2026-01-01&to=2026-06-30"


def test_the_task_removes_the_expired_token_and_keeps_the_live_one(orgs):
    api = connected(orgs["hd"], ["statistics:read"])
    live = AccessToken.objects.get(application=api.system_client.application)
    expired = AccessToken.objects.create(application=live.application, token="an-expired-token",
                                         scope="statistics:read", expires=timezone.now() - timedelta(minutes=1))

    assert clear_expired_tokens_task.delay().get() == {"access_tokens": 1}

    assert list(AccessToken.objects.values_list("pk", flat=True)) == [live.pk]
    assert not AccessToken.objects.filter(pk=expired.pk).exists()
    assert api.get(STATISTICS).status_code == 200
    assert clear_expired_tokens_task.delay().get() == {"access_tokens": 0}  # idempotent
