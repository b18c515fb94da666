"""The demo (seed_demo) shows a new user each programme: this year's rules, Haidian's fund lines,
an application of each kind at a different step, the paid one with its receipt; seeding twice
adds nothing."""

from io import StringIO

import pytest
from django.core.management import call_command

from cases.models import AidProgrammeApplication, AidProgrammeRule, Document, Fund, HardshipFile
from tests.unit.hardship.programmes.conftest import YEAR

pytestmark = pytest.mark.django_db


def test_the_demo_has_one_application_of_each_programme_once(django_capture_on_commit_callbacks):
    for _run in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            call_command("seed_demo", "--force", stdout=StringIO())
    assert AidProgrammeRule.objects.filter(year=YEAR).count() == 8  # four programmes, two regions
    assert sorted(Fund.objects.exclude(programme="").values_list("programme", "year")) == [
        ("autumn_schooling", YEAR), ("emergency", YEAR), ("medical_relief", YEAR), ("spring_festival", YEAR)]
    applications = {a.programme: a for a in AidProgrammeApplication.objects.select_related("household__head")}
    assert {programme: (a.status, a.household.head.name, a.amount) for programme, a in applications.items()} == {
        "spring_festival": ("paid", "李春梅", 1000), "autumn_schooling": ("applied", "李春梅", 3000),
        "medical_relief": ("approved", "王志强", 5000), "emergency": ("applied", "陈立军", 2000),
    }
    assert applications["autumn_schooling"].needs_second_approval()  # ¥3,000 above the ¥2,000 limit
    assert applications["emergency"].file is None and applications["emergency"].household.cause == "disaster"
    assert sorted(HardshipFile.objects.filter(status="open").values_list("household__cause", flat=True)) == [
        "illness", "schooling"]
    receipt = Document.objects.get(kind="programme_receipt")
    assert receipt.title == "送温暖领款凭证" and receipt.subject_id == str(applications["spring_festival"].pk)
