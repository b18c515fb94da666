"""Document kinds of dispute mediation, one module per stage: intake (oral record, acceptance,
non-acceptance, termination), mediation (sessions, extension), agreement (agreement,
payments, performance), referral (arbitration, payment order) and archive (the case file)."""

# isort: off  (the order of the stages is the order all_kinds() lists them)
from cases.documents.dispute import agreement, archive, intake, mediation, referral  # noqa: F401
# isort: on
