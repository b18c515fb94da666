"""A test-only Django app holding small flows that exercise viewflow machinery
(timers, locks) before the product's own flows exist. viewflow resolves a flow by its
containing app, so test flows must live in an installed app; tests/settings.py adds it."""
