"""Aid by programme and by cause of hardship, against fixtures whose figures are worked out by
hand in the comments (not by the code under test): aid plans beside the four programmes, a
payment after the period, an approved application not yet paid, another district's payment."""

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook

from cases.models import AidProgramme, ApplicationStatus
from cases.rules.validators import resident_id_check_char
from cases.statistics.hardship import hardship_figures
from cases.statistics.period import Period
from tests.hardship_fixtures import file_in_state, fund_with_budget, household_in_hardship
from tests.programme_fixtures import paid_application, programme_funds
from tests.statistics_fixtures import aid_paid

pytestmark = pytest.mark.django_db
P = AidProgramme
H1 = Period(date(2026, 1, 1), date(2026, 6, 30))
H1_QUERY = {"preset": "custom", "start": "2026-01-01", "end": "2026-06-30"}


def household(n, organisation, cause=""):
    first17 = f"11010819760101{n:03d}"
    household = household_in_hardship(organisation, name=f"项目户{n}", resident_id=first17 + resident_id_check_char(first17))
    household.cause = cause
    household.save(update_fields=["cause"])
    return household


@pytest.fixture
def aid(orgs):
    hd, cy = orgs["hd"], orgs["cy"]
    living = fund_with_budget(hd, aid_type="living")
    lines, cy_lines = programme_funds(hd, year=2026), programme_funds(cy, year=2026)
    f1 = file_in_state(household(1, hd, "illness"), opened_on=date(2026, 1, 5), number="HD-1")
    f2 = file_in_state(household(2, hd, "schooling"), opened_on=date(2025, 6, 1), number="HD-2")
    f3 = file_in_state(household(3, hd, "unemployment"), opened_on=date(2025, 1, 1), number="HD-3")
    f4 = file_in_state(household(4, hd), opened_on=date(2025, 2, 1), number="HD-4")  # no cause recorded
    file_in_state(household(5, hd, "other"), opened_on=date(2025, 3, 1), number="HD-5")  # on file, not aided
    c1 = file_in_state(household(6, cy, "illness"), opened_on=date(2025, 3, 1), number="CY-1")
    accident = household(7, hd, "disaster")  # not on file: 临时救助

    aid_paid(f1, living, amount="1000", paid_on=date(2026, 3, 1))  # plan, 因病
    aid_paid(f3, living, amount="500", paid_on=date(2026, 7, 1))  # plan, after the period
    paid_application(programme=P.AUTUMN_SCHOOLING, household=f2.household, file=f2, fund=lines[P.AUTUMN_SCHOOLING],
                     amount="3000", paid_on=date(2026, 3, 10), number="JQ-1")  # 因学
    paid_application(programme=P.SPRING_FESTIVAL, household=f2.household, file=f2, fund=lines[P.SPRING_FESTIVAL],
                     amount="1000", paid_on=date(2026, 1, 20), number="SNW-1")  # 因学
    paid_application(programme=P.SPRING_FESTIVAL, household=f4.household, file=f4, fund=lines[P.SPRING_FESTIVAL],
                     amount="1000", paid_on=date(2026, 1, 21), number="SNW-2")  # 未登记
    paid_application(programme=P.MEDICAL_RELIEF, household=f3.household, file=f3, fund=lines[P.MEDICAL_RELIEF],
                     amount="5000", paid_on=date(2026, 4, 1), number="YL-1")  # 失业或未充分就业
    paid_application(programme=P.EMERGENCY, household=accident, fund=lines[P.EMERGENCY],
                     amount="2000", paid_on=date(2026, 5, 5), number="LS-1")  # 因灾
    paid_application(programme=P.AUTUMN_SCHOOLING, household=f1.household, file=f1, fund=lines[P.AUTUMN_SCHOOLING],
                     amount="3000", paid_on=date(2026, 4, 1), number="JQ-2", status=ApplicationStatus.APPROVED)  # unpaid
    paid_application(programme=P.SPRING_FESTIVAL, household=c1.household, file=c1, fund=cy_lines[P.SPRING_FESTIVAL],
                     amount="1000", paid_on=date(2026, 1, 20), number="CY-SNW-1")  # Chaoyang, 因病


def rows(groups):
    return [(row.key, row.disbursements, row.households, row.amount) for row in groups]


def test_haidian_aid_by_programme_and_by_cause(orgs, aid):
    figures = hardship_figures(organisation=orgs["hd"], period=H1)
    assert rows(figures.aid_by_programme) == [
        ("plan", 1, 1, Decimal("1000.00")),  # f1's plan (f3's is paid in July)
        ("spring_festival", 2, 2, Decimal("2000.00")),  # f2, f4
        ("autumn_schooling", 1, 1, Decimal("3000.00")),  # f2 (f1's is approved, not paid)
        ("medical_relief", 1, 1, Decimal("5000.00")),  # f3
        ("emergency", 1, 1, Decimal("2000.00")),  # the household not on file
    ]
    assert rows(figures.aid_by_cause) == [
        ("illness", 1, 1, Decimal("1000.00")),  # f1
        ("schooling", 2, 1, Decimal("4000.00")),  # f2: 3,000 + 1,000
        ("disaster", 1, 1, Decimal("2000.00")),
        ("unemployment", 1, 1, Decimal("5000.00")),  # f3
        ("unrecorded", 1, 1, Decimal("1000.00")),  # f4
    ]
    assert [row.label for row in figures.aid_by_cause] == ["因病", "因学", "因灾", "失业或未充分就业", "未登记致困原因"]
    # by type, the programmes count as their fund lines' types: living 1,000 + 1,000 + 1,000 + 2,000
    assert [(r.aid_type, r.disbursements, r.households, r.amount) for r in figures.aid_by_type] == [
        ("living", 4, 4, Decimal("5000.00")), ("medical", 1, 1, Decimal("5000.00")),
        ("schooling", 1, 1, Decimal("3000.00")),
    ]
    assert figures.aid_paid == Decimal("13000.00")
    assert figures.open_files == 5 and figures.aided_households == 4 and figures.coverage == Decimal("80.0")
    assert figures.as_json()["aid_by_programme"] == {"plan": "1000.00", "spring_festival": "2000.00",
                                                     "autumn_schooling": "3000.00", "medical_relief": "5000.00",
                                                     "emergency": "2000.00"}


def test_the_city_adds_chaoyangs_payment(orgs, aid):
    city = hardship_figures(organisation=orgs["bj"], period=H1)
    assert ("spring_festival", 3, 3, Decimal("3000.00")) in rows(city.aid_by_programme)
    assert rows(city.aid_by_cause)[0] == ("illness", 2, 2, Decimal("2000.00"))
    assert city.aid_paid == Decimal("14000.00")
    second_half = hardship_figures(organisation=orgs["hd"], period=Period(date(2026, 7, 1), date(2026, 12, 31)))
    assert rows(second_half.aid_by_programme) == [("plan", 1, 1, Decimal("500.00"))]
    assert rows(second_half.aid_by_cause) == [("unemployment", 1, 1, Decimal("500.00"))]


def test_the_report_page_and_its_workbook_show_both_tables(client, orgs, people, aid):
    from urllib.parse import urlencode

    client.force_login(people["reviewer"])
    html = client.get(f"/reports/?{urlencode({'organisation': orgs['hd'].pk, **H1_QUERY})}").content.decode()
    by_programme = html[html.index('id="aid-by-programme"'):]
    by_programme = by_programme[:by_programme.index("</table>")]
    assert "帮扶计划（个性化帮扶）" in by_programme and "临时救助" in by_programme and "¥5,000.00" in by_programme
    by_cause = html[html.index('id="aid-by-cause"'):]
    assert "失业或未充分就业" in by_cause[:by_cause.index("</table>")]
    book = load_workbook(BytesIO(client.get(
        f"/reports/report.xlsx?{urlencode({'organisation': orgs['hd'].pk, **H1_QUERY})}").content))
    assert [list(row) for row in book["按帮扶项目"].iter_rows(values_only=True)][1:] == [
        ["帮扶计划（个性化帮扶）", 1, 1, 1000], ["送温暖", 2, 2, 2000], ["金秋助学", 1, 1, 3000],
        ["医疗救助", 1, 1, 5000], ["临时救助", 1, 1, 2000],
    ]
    assert [list(row) for row in book["按致困原因"].iter_rows(values_only=True)][1:] == [
        ["因病", 1, 1, 1000], ["因学", 2, 1, 4000], ["因灾", 1, 1, 2000], ["失业或未充分就业", 1, 1, 5000],
        ["未登记致困原因", 1, 1, 1000],
    ]
    pdf = client.get(f"/reports/report.pdf?{urlencode({'organisation': orgs['hd'].pk, **H1_QUERY})}")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
