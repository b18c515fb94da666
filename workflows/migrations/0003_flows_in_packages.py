"""The flows moved into packages (workflows/dispute.py → workflows/dispute/flow.py, and the
same for hardship). viewflow stores each process's flow and each task's node as a reference
built from the flow class's module ("workflows/dispute.DisputeFlow.accept"), so the stored
references move with the code; otherwise open cases would no longer find their flow."""

from django.db import migrations

# (old module path, new module path), as viewflow writes them after the app label.
MOVED_FLOW_MODULES = [
    ("workflows/dispute.", "workflows/dispute.flow."),
    ("workflows/hardship.", "workflows/hardship.flow."),
]
REFERENCE_COLUMNS = [("viewflow_process", "flow_class"), ("viewflow_task", "flow_task")]


def _rename(schema_editor, pairs):
    for table, column in REFERENCE_COLUMNS:
        for old, new in pairs:
            # Only references that start with the old module, and never twice (the new path
            # starts with the old one).
            schema_editor.execute(
                f"UPDATE {table} SET {column} = %s || SUBSTR({column}, %s) "
                f"WHERE {column} LIKE %s AND {column} NOT LIKE %s",
                [new, len(old) + 1, old + "%", new + "%"],
            )


def forwards(apps, schema_editor):
    _rename(schema_editor, MOVED_FLOW_MODULES)


def backwards(apps, schema_editor):
    for table, column in REFERENCE_COLUMNS:
        for old, new in MOVED_FLOW_MODULES:
            schema_editor.execute(
                f"UPDATE {table} SET {column} = %s || SUBSTR({column}, %s) WHERE {column} LIKE %s",
                [old, len(new) + 1, new + "%"],
            )


class Migration(migrations.Migration):

    dependencies = [
        ("workflows", "0002_hardshipprocess_objectionprocess"),
        ("viewflow", "0015_task_scheduled"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
