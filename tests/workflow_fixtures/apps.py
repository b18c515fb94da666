from django.apps import AppConfig


class WorkflowFixturesConfig(AppConfig):
    name = "tests.workflow_fixtures"
    label = "workflow_fixtures"
