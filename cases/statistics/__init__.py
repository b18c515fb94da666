"""The federation's reports: dispute and hardship figures by organisation subtree and period.

Every figure is aggregated in the database; nothing here writes. The definitions are in
the docstrings of disputes.py and hardship.py, following ../shared/DOMAIN.md.
"""
