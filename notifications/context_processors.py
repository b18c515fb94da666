"""`unread_notifications` for every page: the signed-in user's unread count for the bell."""

from .models import Notification


def unread_notifications(request) -> dict:
    """One COUNT query for a signed-in user; none for an anonymous one (nor for a request
    without a user, e.g. a document rendered outside a view)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": Notification.objects.filter(recipient=user, read_at__isnull=True).count()}
