"""Celery tasks of the API; Celery's autodiscovery imports this module."""

from celery import shared_task
from django.utils import timezone
from oauth2_provider.models import clear_expired, get_access_token_model


@shared_task(name="api.tasks.clear_expired_tokens", acks_late=True, ignore_result=True)
def clear_expired_tokens_task() -> dict:
    """Beat, daily at 03:30: remove the system clients' expired access tokens (and any expired
    grant or refresh token), as django-oauth-toolkit's `cleartokens` does. Idempotent."""
    expired = get_access_token_model().objects.filter(expires__lt=timezone.now())
    before = expired.count()
    clear_expired()
    return {"access_tokens": before - expired.count()}
