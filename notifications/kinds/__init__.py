"""What each transition tells whom: the registry (registry.py) and the kinds of each domain
(dispute.py, hardship.py), all registered whenever any part of this package is imported."""

# isort: off  (the registry first, then the kinds of each domain)
from notifications.kinds import dispute, hardship, registry  # noqa: F401
# isort: on
