"""The federation's reports: dispute and hardship figures by organisation subtree and period.

Every figure is aggregated in the database. The dispute figures are read from running totals
that rollup.py keeps in step with the cases (the door, the deadline sweep and the imports call
it) and recount.py recomputes from them (`manage.py reconcile_stats`). The definitions are in
the docstrings of disputes.py and hardship.py, following ../shared/DOMAIN.md.
"""
