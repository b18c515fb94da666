"""Document kinds of dispute mediation, one module per stage: intake (oral record, acceptance,
non-acceptance, termination), application (the written application made online), mediation
(sessions, extension), signing (the agreement as printed for signing), agreement (agreement,
payments, performance), referral (arbitration, payment order), archive (the case file) and
service (the 送达回证 of a notice)."""

# isort: off  (the order of the stages is the order all_kinds() lists them)
from cases.documents.dispute import agreement, archive, intake, mediation, referral, service, signing  # noqa: F401
from cases.documents.dispute import application  # noqa: F401  (after intake, whose builders it reuses)
# isort: on
