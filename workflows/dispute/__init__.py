"""DisputeFlow (flow.py, the process read top to bottom), its task views and forms, and the
case pages: registration, the case page with its actions and documents, search."""
