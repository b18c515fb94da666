"""Every kind of PDF the system issues: the registry (registry.py), the platform's own kinds
(general.py), and one module per stage of each domain (dispute/, hardship/).

Importing any part of this package registers every kind, in the order below (the order in
which `all_kinds()` lists them). Kinds read cases.models and cases.rules, never a service."""

# isort: off  (the order registers the kinds in the order all_kinds() lists them)
from cases.documents import dispute, general, hardship  # noqa: F401

# isort: on
from cases.documents.registry import DocumentKind, all_kinds, get_kind, register

__all__ = ["DocumentKind", "all_kinds", "get_kind", "register"]
