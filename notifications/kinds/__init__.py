"""What each transition tells whom: the registry (registry.py) and the kinds of each domain
(dispute.py, hardship.py), all registered whenever any part of this package is imported."""

from notifications.kinds import registry  # noqa: F401
from notifications.kinds import dispute, hardship  # noqa: F401
