"""Document kinds of dispute mediation, one module per stage: intake (oral record, acceptance,
non-acceptance, termination), mediation (sessions, extension), agreement (agreement,
payments, performance), referral (arbitration, payment order) and archive (the case file)."""

from cases.documents.dispute import intake, mediation, agreement, referral, archive  # noqa: F401
