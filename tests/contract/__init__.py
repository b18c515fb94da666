"""Contract testing of /api/v1/ (issue 21, point 3): schemathesis against the live app.

    make contract            (or: .venv/bin/python -m tests.contract.run)

run.py makes a fresh database (PostgreSQL when DATABASE_URL names one, else a SQLite file),
seeds it (fixtures.py), starts the app under gunicorn and runs schemathesis over every
operation of /api/v1/schema/, each with the fixture principal its security names (hooks.py).
"""
