"""Organisations: a new one under the admin's tree (its kind from its parent), renamed, its region
kept within the region above it, deactivated only without open work (in Chinese), reactivated;
each change journalled. A deactivated organisation takes no new case."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from freezegun import freeze_time

from cases.models import Organisation, OrganisationKind
from tests.dispute_cases import at, register_case

from .conftest import journalled


def new_organisation(client, parent, **data):
    form = {"parent": parent.pk, "name": "双榆树街道劳动争议调解中心", "code": "bj-hd-syshu", "address": "",
            "phone": "", "region_code": ""}
    form.update(data)
    return client.post(reverse("orgadmin:organisation_new"), form)


def act(client, organisation, action, **data):
    return client.post(reverse("orgadmin:organisation_action", args=[organisation.pk, action]), data)


def test_a_new_organisation_takes_the_kind_below_its_parent_and_is_journalled(client, orgs, hd_admin):
    response = new_organisation(client, orgs["hd"], region_code="110108")
    created = Organisation.objects.get(code="BJ-HD-SYSHU")
    assert response.status_code == 302 and response["Location"] == reverse("orgadmin:organisation", args=[created.pk])
    assert (created.kind, created.parent, created.is_active) == (OrganisationKind.STREET_CENTRE, orgs["hd"], True)
    [event] = journalled("organisation_created")
    assert (event.actor, event.organisation, event.data["parent"]) == (hd_admin, created, "BJ-HD")


def test_bad_organisations_are_refused_in_chinese(client, orgs, hd_admin):
    html = new_organisation(client, orgs["hd"], code="BJ-HD-ZGC").content.decode()
    assert "组织代码“BJ-HD-ZGC”已被使用" in html
    html = new_organisation(client, orgs["hd"], code="中关村").content.decode()
    assert "组织代码只能由大写字母、数字和连字符组成" in html
    html = new_organisation(client, orgs["hd"], name="").content.decode()
    assert "请填写组织名称" in html
    html = new_organisation(client, orgs["hd_ent"]).content.decode()  # the tree's last level
    assert "请选择您所管理的、在用的组织" in html
    html = new_organisation(client, orgs["hd"], region_code="110105").content.decode()
    assert "行政区划代码 110105 不在上级组织的地区（110108）之内" in html
    assert not Organisation.objects.filter(code="BJ-HD-SYSHU").exists()


def test_a_rename_is_journalled_with_before_and_after(client, orgs, hd_admin):
    act(client, orgs["hd_street"], "update", name="中关村街道劳动争议调解中心", address="中关村大街1号", phone="",
        region_code="")
    orgs["hd_street"].refresh_from_db()
    assert orgs["hd_street"].name == "中关村街道劳动争议调解中心"
    [event] = journalled("organisation_renamed")
    assert event.data["changes"] == {"name": ["中关村街道调解中心", "中关村街道劳动争议调解中心"],
                                     "address": ["", "中关村大街1号"]}


def test_an_admin_does_not_set_the_region_of_their_own_organisation(client, orgs, hd_admin):
    html = act(client, orgs["hd"], "update", name=orgs["hd"].name, region_code="110000").content.decode()
    assert "其行政区划代码只能由上级组织管理员或系统管理员填写" in html
    orgs["hd"].refresh_from_db()
    assert orgs["hd"].region_code == "110108"


def test_an_organisation_with_open_cases_is_not_deactivated(client, orgs, people, hd_admin):
    with freeze_time(at("2026-11-02", 10), tick=True):
        register_case(orgs, people, at("2026-11-02").date())
    page = client.get(reverse("orgadmin:organisation", args=[orgs["hd_street"].pk])).content.decode()
    message = "“中关村街道调解中心”还有1件未结案的劳动争议案件、0份在办的困难职工档案，不能停用"
    assert message in page
    assert message in act(client, orgs["hd_street"], "deactivate", reason="机构合并").content.decode()
    orgs["hd_street"].refresh_from_db()
    assert orgs["hd_street"].is_active and journalled("organisation_deactivated") == []


def test_children_first_then_the_parent_and_back(client, orgs, people, hd_admin):
    assert "还有在用的下级组织，请先停用下级组织" in act(
        client, orgs["hd_street"], "deactivate", reason="机构合并").content.decode()
    assert "请填写停用理由" in act(client, orgs["hd_ent"], "deactivate", reason="").content.decode()
    act(client, orgs["hd_ent"], "deactivate", reason="企业注销")
    act(client, orgs["hd_street"], "deactivate", reason="机构合并")
    assert "上级组织“中关村街道调解中心”已停用，请先启用上级组织" in act(
        client, orgs["hd_ent"], "reactivate").content.decode()
    act(client, orgs["hd_street"], "reactivate", reason="恢复设立")
    assert [(e.organisation.code, e.reason) for e in journalled("organisation_deactivated")] == [
        ("BJ-HD-ZGC-01", "企业注销"), ("BJ-HD-ZGC", "机构合并")]
    assert [e.organisation.code for e in journalled("organisation_reactivated")] == ["BJ-HD-ZGC"]


def test_an_admin_does_not_deactivate_their_own_organisation(client, orgs, hd_admin):
    assert "不能停用您本人担任组织管理员的组织" in act(client, orgs["hd"], "deactivate", reason="x").content.decode()


def test_a_deactivated_organisation_takes_no_new_case_member_or_child(client, orgs, people, hd_admin):
    act(client, orgs["hd_ent"], "deactivate", reason="企业注销")
    act(client, orgs["hd_street"], "deactivate", reason="机构合并")
    orgs["hd_street"].refresh_from_db()
    with freeze_time(at("2026-11-02", 10), tick=True), pytest.raises(ValidationError, match="已停用，不能再登记新案件"):
        register_case(orgs, people, at("2026-11-02").date())
    choices = client.get(reverse("orgadmin:person_new")).content.decode()
    assert f'<option value="{orgs["hd"].pk}"' in choices
    assert f'<option value="{orgs["hd_street"].pk}"' not in choices and f'<option value="{orgs["hd_ent"].pk}"' not in choices
    response = client.post(reverse("orgadmin:organisation_new"), {
        "parent": orgs["hd_street"].pk, "name": "新企业调委会", "code": "BJ-HD-ZGC-09"})
    assert "请选择您所管理的、在用的组织" in response.content.decode()


def test_a_deactivated_organisation_is_offered_on_no_application_form(client, orgs, people, hd_admin):
    """Neither staff registering a case or a household nor a worker applying online is offered an
    organisation that takes no new cases."""
    from workflows.dispute.page_forms import RegistrationForm
    from workflows.hardship.register.forms import caseworker_organisations

    from cases.disputes.online import mediating_organisations
    from cases.hardship.online import hardship_organisations

    act(client, orgs["hd_ent"], "deactivate", reason="企业注销")
    offered = RegistrationForm(user=people["mediator"]).fields["organisation"].queryset
    assert orgs["hd_ent"] not in offered and orgs["hd_street"] in offered
    assert orgs["hd_ent"] not in mediating_organisations() and orgs["hd_street"] in mediating_organisations()
    assert orgs["hd"] in caseworker_organisations(people["caseworker"])
    Organisation.objects.filter(pk=orgs["hd"].pk).update(is_active=False)  # a federation stops too
    assert orgs["hd"] not in hardship_organisations() and orgs["cy"] in hardship_organisations()
    assert orgs["hd"] not in caseworker_organisations(people["caseworker"])
