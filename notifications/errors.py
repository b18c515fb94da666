"""How a channel says a send did not happen: worth retrying, or never going to work."""


class DeliveryError(Exception):
    """A send that did not happen."""


class RetryableDeliveryError(DeliveryError):
    """The provider is down, slow or overloaded (5xx, 429, timeout, refused connection)."""


class PermanentDeliveryError(DeliveryError):
    """The provider refused the message itself (4xx, a rejected address): retrying cannot help."""
