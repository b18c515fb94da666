"""Labor-dispute mediation services: intake and its review, mediation, recovery of what the
agreement awards, and the import of historical cases.

May import cases.platform, cases.models and cases.rules; never cases.hardship nor workflows."""
