"""The platform both domains stand on: the transition door, the audit journal, documents,
deadlines, holiday schedules, spreadsheet reading and the registry of door effects.

May import cases.models and cases.rules; never a domain package (cases.disputes,
cases.hardship) nor workflows."""
