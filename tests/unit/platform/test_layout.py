"""The layout keeps its promises: dependencies point down, and open work survives the move of
the flows into packages."""

import ast
import importlib
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from viewflow.workflow.models import Process, Task

from cases.checks import check_door_effects, unregistered_effects
from cases.platform import effects
from workflows.dispute.flow import DisputeFlow
from workflows.hardship.flow import HardshipFlow, ObjectionFlow

ROOT = Path(__file__).resolve().parents[3]
flows_in_packages = importlib.import_module("workflows.migrations.0003_flows_in_packages")


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, relative imports resolved."""
    package = list(path.relative_to(ROOT).with_suffix("").parts)[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            found.add(module)
            found |= {f"{module}.{alias.name}" for alias in node.names}
    return found


def python_files(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def offenders(folder: str, forbidden: tuple[str, ...]) -> list[str]:
    return [f"{path.relative_to(ROOT)} imports {module}"
            for path in python_files(folder) for module in sorted(imported_modules(path))
            if module == forbidden or module.startswith(forbidden)]


def test_nothing_under_cases_imports_the_workflows():
    assert offenders("cases", ("workflows",)) == []


def test_rules_import_no_model_and_no_service():
    assert offenders("cases/rules", ("cases.models", "cases.platform", "cases.disputes", "cases.hardship",
                                     "django.contrib.auth.models")) == []


def test_models_import_only_models_and_rules():
    assert offenders("cases/models", ("cases.platform", "cases.disputes", "cases.hardship", "cases.documents",
                                      "cases.selectors", "cases.statistics", "cases.tasks", "notifications",
                                      "workflows")) == []


def test_services_of_one_domain_do_not_import_the_other_domain():
    assert offenders("cases/platform", ("cases.disputes", "cases.hardship")) == []
    assert offenders("cases/disputes", ("cases.hardship",)) == []


def test_no_folder_holds_more_than_fifteen_modules():
    crowded = {}
    for folder in ["cases", "workflows", "notifications", "tests"]:
        for directory in [ROOT / folder, *(p for p in (ROOT / folder).rglob("*") if p.is_dir())]:
            if directory.name in ("migrations", "__pycache__") or "templates" in directory.parts:
                continue
            modules = [p for p in directory.glob("*.py") if p.name != "__init__.py"]
            if len(modules) > 15:
                crowded[str(directory.relative_to(ROOT))] = len(modules)
    assert crowded == {}


def stored_references() -> tuple[list[str], list[str]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT flow_class FROM viewflow_process ORDER BY id")
        processes = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT flow_task FROM viewflow_task ORDER BY id")
        tasks = [row[0] for row in cursor.fetchall()]
    return processes, tasks


class CursorEditor:
    """What the migration's functions use of a schema editor: execute(sql, params)."""

    def execute(self, sql, params):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


def write_references(process_ref: str, task_ref: str) -> None:
    # Stored as strings, as a database written before the move holds them.
    process = Process.objects.create(flow_class=process_ref)
    Task.objects.create(process=process, flow_task=task_ref, flow_task_type="HUMAN")


@pytest.mark.django_db
def test_open_processes_written_before_the_move_find_their_flow_after_it():
    write_references("workflows/dispute.DisputeFlow", "workflows/dispute.DisputeFlow.decide_acceptance")
    write_references("workflows/hardship.HardshipFlow", "workflows/hardship.HardshipFlow.approve")
    write_references("workflows/hardship.ObjectionFlow", "workflows/hardship.ObjectionFlow.review_objection")
    write_references("workflows/unregistered.Flow", "workflows/unregistered.Flow.review")

    flows_in_packages.forwards(None, CursorEditor())
    flows_in_packages.forwards(None, CursorEditor())  # a second run changes nothing

    processes, tasks = stored_references()
    assert processes == ["workflows/dispute.flow.DisputeFlow", "workflows/hardship.flow.HardshipFlow",
                         "workflows/hardship.flow.ObjectionFlow", "workflows/unregistered.Flow"]
    assert tasks[:3] == ["workflows/dispute.flow.DisputeFlow.decide_acceptance", "workflows/hardship.flow.HardshipFlow.approve",
                         "workflows/hardship.flow.ObjectionFlow.review_objection"]
    moved = Process.objects.order_by("pk")[:3]
    assert [process.flow_class for process in moved] == [DisputeFlow, HardshipFlow, ObjectionFlow]
    assert Task.objects.order_by("pk").first().flow_task == DisputeFlow.decide_acceptance


@pytest.mark.django_db
def test_the_move_of_the_stored_references_can_be_undone():
    write_references("workflows/dispute.DisputeFlow", "workflows/dispute.DisputeFlow.decide_acceptance")
    flows_in_packages.forwards(None, CursorEditor())
    flows_in_packages.backwards(None, CursorEditor())
    assert stored_references() == (["workflows/dispute.DisputeFlow"], ["workflows/dispute.DisputeFlow.decide_acceptance"])


def test_every_effect_a_transition_names_is_registered_by_an_installed_app():
    assert unregistered_effects() == []
    assert check_door_effects() == []


def test_an_effect_nobody_registers_fails_the_system_check_and_is_refused_by_the_door(monkeypatch):
    monkeypatch.delitem(effects._REGISTERED, "hardship_flow.follow_file")

    errors = check_door_effects()
    assert {error.id for error in errors} == {"unioncase.E003"}
    assert any("hardship_flow.follow_file" in str(error.msg) and "cases.HardshipFile" in str(error.msg)
               for error in errors)
    with pytest.raises(ImproperlyConfigured, match="hardship_flow.follow_file"):
        effects.run("hardship_flow.follow_file", object(), by=None, today=None)


def test_an_effect_name_has_one_owner():
    with pytest.raises(ImproperlyConfigured, match="registered twice"):
        effects.effect("hardship_flow.follow_file")(lambda subject, **kwargs: None)
