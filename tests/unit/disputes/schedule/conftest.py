"""A week of mediation sessions at 中关村街道 (and one at 建外街道, outside Haidian), for the 日程
and the calendar feed. The week of Monday 2026-11-02, Beijing time:

- Tue 11-03 10:00  王秀英's case, 1st session, the mediator's, held (minutes recorded at noon)
- Wed 11-04 09:30  刘强's case, 1st session, the second Haidian mediator's
- Wed 11-04 10:00  陈静's case at 建外街道 (Chaoyang), the Chaoyang mediator's
- Thu 11-05 14:30  王秀英's case, 2nd session, the mediator's, scheduled
- Fri 11-06 15:00  张伟's case, 1st session, the mediator's; the case is then withdrawn: cancelled
and the week after, Tue 11-10 10:00, 王秀英's case, 3rd session; and 2027-05-20 09:00, the 4th.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from freezegun import freeze_time

from cases.disputes.intake import register_dispute
from cases.disputes.intake_review import ClaimInput, EmployerInput, WorkerInput
from cases.models import Role
from cases.platform.transitions import apply
from cases.rules.claims import ClaimType
from cases.rules.validators import resident_id_check_char
from tests.consent import consent_recorded
from tests.dispute_cases import at

MINUTES = {"attendees": "申请人；被申请人委托代理人；调解员；记录人张华", "statements": "申请人陈述拖欠工资的情况。",
           "note_taker": "张华", "outcome": "继续调解", "rights_explained": True,
           "recusal_answer": "申请人：不申请回避。被申请人：不申请回避。"}
HALF_HOUR = timedelta(minutes=30)
PLACE_WITH_SPECIALS = "中关村街道调解中心第二调解室, 3号楼; 二层\\东侧"


def resident_id(first17: str) -> str:
    return first17 + resident_id_check_char(first17)


def case_in_mediation(organisation, *, by, lead, mediator, worker: str, first17: str, employer: str, uscc: str):
    case = register_dispute(
        acknowledge_warnings=True, organisation=organisation, by=by, channel="walk_in_written",
        received_on=date(2026, 11, 2), received_at=at("2026-11-02", 9), facts="拖欠工资。",
        worker=WorkerInput(name=worker, resident_id=resident_id(first17)),
        employer=EmployerInput(name=employer, uscc=uscc),
        claims=[ClaimInput(ClaimType.WAGE_ARREARS, Decimal("10000.00"))],
    ).case
    consent_recorded(case, by)
    apply(case, "accept", by=by)
    apply(case, "assign", by=lead, data={"mediator": mediator})
    case.refresh_from_db()
    return case


def schedule(case, by, when, place="中关村街道调解中心第一调解室"):
    apply(case, "schedule_session", by=by, data={"starts_at": when, "place": place})
    return case.sessions.latest("number")


@pytest.fixture
def mediators(orgs, people, make_user):
    mediator = people["mediator"]
    mediator.last_name, mediator.first_name = "李", "娜"
    mediator.save()
    second = make_user("hd_mediator2", orgs["hd_street"], Role.MEDIATOR, last_name="赵", first_name="敏")
    cy_lead = make_user("cy_lead", orgs["cy_street"], Role.MEDIATION_LEAD)
    return {"mediator": mediator, "second": second, "cy": people["cy_mediator"], "cy_lead": cy_lead}


@pytest.fixture
def week(orgs, people, mediators):
    mediator, second, lead = mediators["mediator"], mediators["second"], people["lead"]
    hd = orgs["hd_street"]
    with freeze_time(at("2026-11-02", 9)):
        wang = case_in_mediation(hd, by=mediator, lead=lead, mediator=mediator, worker="王秀英",
                                 first17="11010519800101001", employer="北京某科技有限公司", uscc="91350100M000100Y43")
        liu = case_in_mediation(hd, by=second, lead=lead, mediator=second, worker="刘强",
                                first17="11010519810202002", employer="北京某餐饮有限公司", uscc="91350100M000100Y43")
        zhang = case_in_mediation(hd, by=mediator, lead=lead, mediator=mediator, worker="张伟",
                                  first17="11010519820303003", employer="北京某物流有限公司", uscc="91350100M000100Y43")
        chen = case_in_mediation(orgs["cy_street"], by=mediators["cy"], lead=mediators["cy_lead"],
                                 mediator=mediators["cy"], worker="陈静", first17="11010519830404004",
                                 employer="北京某商贸有限公司", uscc="91350100M000100Y43")
        sessions = {
            "held": schedule(wang, mediator, at("2026-11-03", 10)),
            "second_mediator": schedule(liu, second, at("2026-11-04", 9) + HALF_HOUR),
            "chaoyang": schedule(chen, mediators["cy"], at("2026-11-04", 10), place="建外街道调解中心"),
            "scheduled": schedule(wang, mediator, at("2026-11-05", 14) + HALF_HOUR, place=PLACE_WITH_SPECIALS),
            "cancelled": schedule(zhang, mediator, at("2026-11-06", 15)),
            "next_week": schedule(wang, mediator, at("2026-11-10", 10)),
            "far": schedule(wang, mediator, at("2027-05-20", 9)),
        }
    with freeze_time(at("2026-11-03", 12)):
        apply(wang, "record_session", by=mediator, data={"session": sessions["held"], **MINUTES})
        apply(zhang, "withdraw", by=mediator, reason="申请人撤回调解申请。")
    for session in sessions.values():
        session.refresh_from_db()
    return {"cases": {"wang": wang, "liu": liu, "zhang": zhang, "chen": chen}, "sessions": sessions}
