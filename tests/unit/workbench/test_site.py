"""The Material site: sign-in, the per-role workbench home, and the Chinese error pages."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client, override_settings
from django.urls import path
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import STATUS

from cases.models import (
    AuditAction,
    AuditChainHead,
    Organisation,
    OrganisationKind,
    Role,
)
from cases.models.actors import system
from cases.platform.audit.journal import append_event
from config.urls import urlpatterns as project_urlpatterns
from workflows.site import SITE_TITLE

pytestmark = pytest.mark.django_db


def forbidden_view(request):
    raise PermissionDenied("您在“朝阳区总工会”没有执行此操作所需的角色（需要：调解员）。")


def broken_view(request):
    raise RuntimeError("secret internal detail")


# Used by the 403/500 tests through override_settings(ROOT_URLCONF=__name__).
urlpatterns = [
    path("test-forbidden/", forbidden_view),
    path("test-broken/", broken_view),
    *project_urlpatterns,
]


def home(client, user):
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    return response


def card(response, title):
    matches = [card for card in response.context["cards"] if card.title == title]
    assert len(matches) == 1, [card.title for card in response.context["cards"]]
    return matches[0]


def metric(card, label):
    return next(metric.value for metric in card.metrics if metric.label == label)


def human_task(*, owner=None, status=STATUS.ASSIGNED):
    # Flow references are stored as strings; counting needs no importable flow class.
    process = Process.objects.create(flow_class="workflows/unregistered.Flow")
    return Task.objects.create(
        process=process, flow_task="workflows/unregistered.Flow.review",
        flow_task_type="HUMAN", owner=owner, status=status,
    )


def text(response):
    return response.content.decode()


# Sign-in


def test_login_page_is_in_chinese_with_the_site_title(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    html = text(response)
    assert '<html lang="zh-hans"' in html
    assert "登录" in html
    assert str(SITE_TITLE) in html
    assert 'label="用户名"' in html and 'label="密码"' in html


def test_english_is_available_from_the_browser_language(client):
    html = text(client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en"))
    assert '<html lang="en"' in html
    assert "Sign in" in html and 'label="Username"' in html
    assert "简体中文" in html  # the way back


def test_anonymous_home_redirects_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"


def test_a_wrong_password_is_refused_in_chinese(client, people):
    response = client.post("/accounts/login/", {"username": "hd_mediator", "password": "wrong"})
    assert response.status_code == 200
    assert "请输入一个正确的用户名和密码" in text(response)
    assert "_auth_user_id" not in client.session


def test_signing_in_lands_on_the_workbench_home(client, people):
    response = client.post(
        "/accounts/login/", {"username": "hd_mediator", "password": "pw-hd_mediator"}, follow=True,
    )
    assert response.redirect_chain == [("/", 302)]
    assert "我的待办" in text(response)


def test_logout_is_a_post_and_returns_to_login(client, people):
    client.force_login(people["mediator"])
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert client.get("/").status_code == 302


def test_the_menu_is_in_chinese(client, people):
    html = text(home(client, people["mediator"]))
    assert "退出登录" in html and "修改密码" in html and "工作台" in html
    assert "Log out" not in html and "Applications" not in html


def test_password_change_page_is_chinese(client, people):
    client.force_login(people["mediator"])
    html = text(client.get("/accounts/password_change/"))
    assert "修改密码" in html and 'label="旧密码"' in html


def test_changing_ones_password_works(client, people):
    client.force_login(people["mediator"])
    response = client.post("/accounts/password_change/", {
        "old_password": "pw-hd_mediator",
        "new_password1": "zgc-mediation-2026",
        "new_password2": "zgc-mediation-2026",
    }, follow=True)
    assert response.redirect_chain == [("/accounts/password_change/done/", 302)]
    assert "密码已修改" in text(response)
    people["mediator"].refresh_from_db()
    assert people["mediator"].check_password("zgc-mediation-2026")


def test_there_is_no_self_service_reset_by_email(client):
    assert client.get("/accounts/password_reset/").status_code == 404


def test_a_signed_in_user_opening_login_goes_home(client, people):
    client.force_login(people["mediator"])
    response = client.get("/accounts/login/")
    assert response.status_code == 302 and response["Location"] == "/"


# Home per role


def test_home_lists_the_users_organisations_and_roles(client, people):
    html = text(home(client, people["lead"]))
    assert "中关村街道调解中心" in html
    assert "调解组长" in html


def test_mediator_sees_my_tasks_and_to_claim_empty(client, people):
    response = home(client, people["mediator"])
    html = text(response)
    assert "我的待办" in html and "暂无待办任务" in html
    assert "待领取" in html and "暂无待领取任务" in html
    assert metric(card(response, "我的待办"), "待办任务") == 0


# The mediator's tasks, the lead's board and their scopes: tests/unit/workbench/test_home_work.py.


def test_an_unclaimed_task_no_organisation_owns_is_not_offered_to_anyone(client, people):
    human_task(owner=None, status=STATUS.NEW)
    response = home(client, people["mediator"])
    assert metric(card(response, "待领取"), "待领取任务") == 0


def test_caseworker_sees_candidates_and_hardship_work(client, people):
    html = text(home(client, people["caseworker"]))
    assert "疑似困难" in html and "帮扶待办" in html
    assert "暂无待核对的疑似困难职工" in html and "暂无帮扶待办" in html


def test_caseworker_home_counts_the_application_waiting_in_the_queue(client, orgs, people):
    from cases.hardship.identification import open_hardship_file
    from tests.hardship_fixtures import household_in_hardship
    from workflows.hardship.flow import start_hardship_flow

    file = open_hardship_file(household=household_in_hardship(orgs["hd"]), by=people["caseworker"],
                              source="application", year=2025)
    start_hardship_flow(file, by=people["caseworker"])
    html = text(home(client, people["caseworker"]))
    assert '<span>待领取</span><span class="uc-metric__value">1</span>' in html


def test_reviewer_sees_the_approval_queue(client, people):
    html = text(home(client, people["reviewer"]))
    assert "待审批" in html and "暂无待审批的帮扶档案" in html


def test_auditor_sees_the_chain_count_and_their_subtrees_events(client, orgs, people):
    append_event(action=AuditAction.EXPORT, actor=system("test"), organisation=orgs["hd_ent"])
    append_event(action=AuditAction.EXPORT, actor=system("test"), organisation=orgs["cy_ent"])
    client.force_login(people["auditor"])
    recorded = AuditChainHead.objects.get(pk=1).last_seq
    assert recorded >= 2
    response = client.get("/")
    html = text(response)
    assert f"审计链：已记录 {recorded} 条事件" in html
    assert "已验证" not in html
    assert metric(card(response, "审计"), "本辖区审计事件") == 1


def test_city_org_admin_counts_the_whole_tree(client, orgs, people):
    response = home(client, people["admin"])
    organisations = card(response, "组织与成员")
    assert metric(organisations, "组织") == 7
    assert metric(organisations, "成员") == 8
    assert "朝阳区总工会" in text(response)


def test_a_haidian_org_admin_sees_nothing_of_chaoyang(client, orgs, people, make_user):
    hd_admin = make_user("hd_admin", orgs["hd"], Role.ORG_ADMIN)
    response = home(client, hd_admin)
    organisations = card(response, "组织与成员")
    assert metric(organisations, "组织") == 3
    # hd_mediator, hd_lead, hd_caseworker, hd_reviewer, hd_auditor and hd_admin.
    assert metric(organisations, "成员") == 6
    assert [row["organisation"].code for row in organisations.tree] == ["BJ-HD", "BJ-HD-ZGC", "BJ-HD-ZGC-01"]
    html = text(response)
    assert "海淀区总工会" in html
    assert "朝阳" not in html and "建外" not in html and "北京市总工会" not in html


def test_a_long_organisation_list_says_it_is_cut_short(client, orgs, people):
    for number in range(50):
        committee = Organisation(
            code=f"BJ-HD-ZGC-X{number:02d}", name=f"演示企业{number:02d}劳动争议调解委员会",
            kind=OrganisationKind.ENTERPRISE_COMMITTEE, parent=orgs["hd_street"],
        )
        committee.full_clean()
        committee.save()
    response = home(client, people["admin"])
    organisations = card(response, "组织与成员")
    assert metric(organisations, "组织") == 57
    assert len(organisations.tree) == 50
    assert "仅列出前 50 个组织。" in text(response)


def test_each_role_gets_only_its_own_cards(client, people):
    titles = [c.title for c in home(client, people["reviewer"]).context["cards"]]
    assert titles == ["待审批", "帮扶项目"]


def test_a_user_without_membership_is_told_whom_to_ask(client, make_user):
    response = home(client, make_user("newcomer"))
    html = text(response)
    assert "您还没有任何组织角色" in html
    assert "组织管理员" in html
    assert response.context["cards"] == []


def test_superuser_without_membership_gets_the_admin_card(client, orgs, django_user_model):
    root = django_user_model.objects.create_superuser("root", password="pw-root-2026")
    response = home(client, root)
    system_card = card(response, "系统管理")
    assert metric(system_card, "全部组织") == 7
    assert "/admin/" in text(response)
    assert "您还没有任何组织角色" not in text(response)


def test_django_admin_is_still_served(client, django_user_model):
    root = django_user_model.objects.create_superuser("root", password="pw-root-2026")
    client.force_login(root)
    assert client.get("/admin/").status_code == 200


# Errors


@override_settings(DEBUG=False)
def test_404_is_chinese_without_debug_details(client, people):
    client.force_login(people["mediator"])
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = text(response)
    assert "页面不存在" in html and "返回工作台" in html
    assert "Page not found" not in html and "URLconf" not in html


@override_settings(DEBUG=False, ROOT_URLCONF=__name__)
def test_403_is_chinese_and_says_why(client, people):
    client.force_login(people["mediator"])
    response = client.get("/test-forbidden/")
    assert response.status_code == 403
    html = text(response)
    assert "无权访问" in html
    assert "没有执行此操作所需的角色" in html
    assert "组织管理员" in html


@override_settings(DEBUG=False, ROOT_URLCONF=__name__)
def test_500_is_chinese_and_hides_the_error(people):
    client = Client(raise_request_exception=False)
    client.force_login(people["mediator"])
    response = client.get("/test-broken/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "系统出错" in html and "系统管理员" in html
    assert "secret internal detail" not in html and "Traceback" not in html


def test_reviewer_home_counts_aid_plans_waiting_for_approval_but_not_their_own(client, orgs, people):
    from decimal import Decimal

    from cases.models import AidPlan
    from tests.hardship_fixtures import file_in_state, fund_with_budget, household_in_hardship

    file = file_in_state(household_in_hardship(orgs["hd"]), prepared_by=people["caseworker"])
    fund = fund_with_budget(orgs["hd"])
    for preparer in (people["caseworker"], people["reviewer"]):
        AidPlan.objects.create(file=file, aid_type="living", fund=fund, amount=Decimal("1000.00"),
                               first_payment_on=date(2026, 6, 1), purpose="生活救助", prepared_by=preparer)
    html = text(home(client, people["reviewer"]))
    assert '<span>待审批的帮扶计划（在档案详情页审批）</span><span class="uc-metric__value">1</span>' in html
