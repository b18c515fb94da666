"""Hardship-aid services: intake, the household, identification and yearly review,
civil-affairs import and linking, aid plans and disbursements.

May import cases.platform, cases.models and cases.rules (and the dispute intake's worker
checks); never workflows: the hardship flow registers how a file's work starts
(cases.platform.effects)."""
