"""The federation's dashboard: the dispute figures (read from the running totals,
cases.statistics.disputes.dispute_figures) and the hardship figures
(cases.statistics.hardship.hardship_figures) of an organisation's subtree over a period, the
same figures, with the same definitions, as the report page and `dispute_stats`. Scope
statistics:read; the organisation within the client's reach (its own by default)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from api.problems import NON_FIELD
from api.serializers import OrganisationSerializer, organisation_of
from api.system.fields import SystemView, invalid
from api.system.schema import FORBIDDEN_SCOPE, OUTSIDE_REACH, problems
from api.system.scoping import organisation_named
from cases.statistics.disputes import dispute_figures
from cases.statistics.hardship import hardship_figures
from cases.statistics.period import custom_period

PARAMETERS = [
    OpenApiParameter("organisation", str, OpenApiParameter.QUERY, required=False,
                     description=_("组织代码，统计含其全部下级组织；须在本客户端的范围内，不填为本客户端所属组织。")),
    OpenApiParameter("from", str, OpenApiParameter.QUERY, required=True,
                     description=_("统计期间的开始日期（含），如 2026-01-01。")),
    OpenApiParameter("to", str, OpenApiParameter.QUERY, required=True,
                     description=_("统计期间的结束日期（含），如 2026-06-30。")),
]


def _yuan(amount) -> str:
    return f"{amount:.2f}"


class LabelledCountSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=_("代码"))
    label = serializers.CharField(help_text=_("名称"))
    count = serializers.IntegerField(help_text=_("件数"))


class ClaimTypeRowSerializer(serializers.Serializer):
    claim_type = serializers.CharField(help_text=_("争议事项代码"))
    label = serializers.CharField(help_text=_("争议事项"))
    accepted_cases = serializers.IntegerField(help_text=_("受理案件中有该项请求的件数"))
    claimed_yuan = serializers.CharField(help_text=_("这些请求的请求金额（元）"))
    successful_cases = serializers.IntegerField(help_text=_("调解成功案件中有该项请求的件数"))
    recovered_yuan = serializers.CharField(help_text=_("挽回经济损失（元）"))


class ChannelRowSerializer(serializers.Serializer):
    channel = serializers.CharField(help_text=_("申请方式代码，如 online 网上申请"))
    label = serializers.CharField(help_text=_("申请方式"))
    accepted = serializers.IntegerField(help_text=_("受理件数"))
    mediated_successfully = serializers.IntegerField(help_text=_("调解成功件数"))
    recovered_yuan = serializers.CharField(help_text=_("挽回经济损失（元）"))


class DisputeFiguresSerializer(serializers.Serializer):
    """劳动争议调解统计：定义见 definitions（与统计报表相同）。"""

    organisation = OrganisationSerializer(help_text=_("统计的组织（含其全部下级组织）"))
    start = serializers.DateField(help_text=_("统计期间的开始日期（含）"))
    end = serializers.DateField(help_text=_("统计期间的结束日期（含）"))
    accepted = serializers.IntegerField(help_text=_("受理件数"))
    accepted_workers = serializers.IntegerField(help_text=_("受理案件涉及劳动者人数"))
    accepted_collective = serializers.IntegerField(help_text=_("其中集体劳动争议件数"))
    mediated_successfully = serializers.IntegerField(help_text=_("调解成功件数"))
    mediation_ended = serializers.IntegerField(help_text=_("本期调解终结件数"))
    mediation_ended_without_agreement = serializers.IntegerField(help_text=_("其中未达成协议而终结的件数"))
    mediation_success_rate_percent = serializers.CharField(allow_null=True, help_text=_(
        "调解成功率（%，一位小数）；本期无调解终结的案件时为 null"))
    recovered_yuan = serializers.CharField(help_text=_("挽回经济损失（元）"))
    paid_yuan = serializers.CharField(help_text=_("履行到位金额（元）"))
    by_claim_type = ClaimTypeRowSerializer(many=True, help_text=_("按争议事项"))
    by_channel = ChannelRowSerializer(many=True, help_text=_("按申请方式"))
    deadline_breaches = LabelledCountSerializer(many=True, help_text=_("法定时限超期，按时限"))
    deadline_breaches_total = serializers.IntegerField(help_text=_("法定时限超期合计"))
    closed = serializers.IntegerField(help_text=_("已办结件数"))
    closed_after_acceptance = serializers.IntegerField(help_text=_("其中已受理的件数"))
    average_days_from_receipt_to_closing = serializers.CharField(allow_null=True, help_text=_(
        "平均办结天数（一位小数）；没有已受理的已办结案件时为 null"))
    definitions = serializers.DictField(child=serializers.CharField(), help_text=_("各项数字的统计口径，按字段名"))


def dispute_data(organisation, period) -> dict:
    figures = dispute_figures(organisation=organisation, period=period)
    data = figures.as_json()
    for row, figure in zip(data["by_claim_type"], figures.by_claim_type, strict=True):
        row["label"] = figure.label
    for row, figure in zip(data["by_channel"], figures.by_channel, strict=True):
        row["label"] = figure.label
    data.update(organisation=organisation_of(organisation), start=period.start, end=period.end,
                deadline_breaches=[{"code": row.clock, "label": row.label, "count": row.count}
                                   for row in figures.breaches])
    return data


class AidRowSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=_("代码"))
    label = serializers.CharField(help_text=_("名称"))
    disbursements = serializers.IntegerField(help_text=_("发放笔数"))
    households = serializers.IntegerField(help_text=_("受助户数"))
    amount_yuan = serializers.CharField(help_text=_("发放金额（元）"))


class FundRowSerializer(serializers.Serializer):
    fund = serializers.CharField(help_text=_("资金名称"))
    aid_type = serializers.CharField(help_text=_("帮扶类型代码"))
    disbursements = serializers.IntegerField(help_text=_("发放笔数"))
    amount_yuan = serializers.CharField(help_text=_("发放金额（元）"))


class HardshipFiguresSerializer(serializers.Serializer):
    """困难职工帮扶统计：在档户数按类别、新认定户数、帮扶覆盖率、帮扶资金发放（按类型、资金、项目、致困原因）、待年度复核。"""

    organisation = OrganisationSerializer(help_text=_("统计的组织（含其全部下级组织）"))
    start = serializers.DateField(help_text=_("统计期间的开始日期（含）"))
    end = serializers.DateField(help_text=_("统计期间的结束日期（含）"))
    open_files = serializers.IntegerField(help_text=_("期末在档户数"))
    open_by_category = LabelledCountSerializer(many=True, help_text=_("期末在档户数，按困难类别"))
    newly_identified = serializers.IntegerField(help_text=_("本期新认定户数"))
    aided_households = serializers.IntegerField(help_text=_("期末在档户中本期得到帮扶的户数"))
    coverage_percent = serializers.CharField(allow_null=True, help_text=_(
        "帮扶覆盖率（%，一位小数）：期末在档户中本期得到帮扶的比例；无在档户时为 null"))
    aid_paid_yuan = serializers.CharField(help_text=_("本期帮扶资金发放合计（元）"))
    aid_by_type = AidRowSerializer(many=True, help_text=_("按帮扶类型"))
    aid_by_fund = FundRowSerializer(many=True, help_text=_("按资金"))
    aid_by_programme = AidRowSerializer(many=True, help_text=_("按帮扶项目（帮扶计划及送温暖、金秋助学等）"))
    aid_by_cause = AidRowSerializer(many=True, help_text=_("按致困原因"))
    due_for_review = serializers.IntegerField(help_text=_("期末前到期、待年度复核的档案数"))


def hardship_data(organisation, period) -> dict:
    figures = hardship_figures(organisation=organisation, period=period)

    def groups(rows, key):
        return [{"code": getattr(row, key), "label": row.label, "disbursements": row.disbursements,
                 "households": row.households, "amount_yuan": _yuan(row.amount)} for row in rows]

    return {
        "organisation": organisation_of(organisation), "start": period.start, "end": period.end,
        "open_files": figures.open_files,
        "open_by_category": [{"code": row.key, "label": row.label, "count": row.count}
                             for row in figures.open_by_category],
        "newly_identified": figures.newly_identified, "aided_households": figures.aided_households,
        "coverage_percent": None if figures.coverage is None else str(figures.coverage),
        "aid_paid_yuan": _yuan(figures.aid_paid), "aid_by_type": groups(figures.aid_by_type, "aid_type"),
        "aid_by_fund": [{"fund": row.fund, "aid_type": row.aid_type, "disbursements": row.disbursements,
                         "amount_yuan": _yuan(row.amount)} for row in figures.aid_by_fund],
        "aid_by_programme": groups(figures.aid_by_programme, "key"), "aid_by_cause": groups(figures.aid_by_cause, "key"),
        "due_for_review": figures.due_for_review,
    }


def _period(request):
    try:
        return custom_period(request.query_params.get("from"), request.query_params.get("to"))
    except ValidationError as error:
        names = {"start": "from", "end": "to"}
        raise invalid({names.get(field, NON_FIELD): messages for field, messages in error.message_dict.items()}) from None


DISPUTE_EXAMPLE = {
    "organisation": {"id": 2, "code": "BJ-HD", "name": "海淀区总工会"}, "start": "2026-01-01", "end": "2026-06-30",
    "accepted": 42, "accepted_workers": 57, "accepted_collective": 1, "mediated_successfully": 30,
    "mediation_ended": 36, "mediation_ended_without_agreement": 6, "mediation_success_rate_percent": "83.3",
    "recovered_yuan": "912000.00", "paid_yuan": "688000.00",
    "by_claim_type": [{"claim_type": "wage_arrears", "label": "拖欠劳动报酬", "accepted_cases": 30,
                       "claimed_yuan": "800000.00", "successful_cases": 22, "recovered_yuan": "610000.00"}],
    "by_channel": [{"channel": "online", "label": "网上申请", "accepted": 12, "mediated_successfully": 9,
                    "recovered_yuan": "210000.00"}],
    "deadline_breaches": [{"code": "dispute.acceptance", "label": "受理期限", "count": 1}],
    "deadline_breaches_total": 1, "closed": 33, "closed_after_acceptance": 31,
    "average_days_from_receipt_to_closing": "16.4", "definitions": {"accepted": "受理：受理日期在统计期间内的案件……"},
}
HARDSHIP_EXAMPLE = {
    "organisation": {"id": 2, "code": "BJ-HD", "name": "海淀区总工会"}, "start": "2026-01-01", "end": "2026-06-30",
    "open_files": 120, "open_by_category": [{"code": "deep", "label": "深度困难", "count": 20}],
    "newly_identified": 14, "aided_households": 96, "coverage_percent": "80.0", "aid_paid_yuan": "356000.00",
    "aid_by_type": [{"code": "living", "label": "生活救助", "disbursements": 150, "households": 90,
                     "amount_yuan": "300000.00"}],
    "aid_by_fund": [{"fund": "2026年帮扶专项资金", "aid_type": "living", "disbursements": 150, "amount_yuan": "300000.00"}],
    "aid_by_programme": [{"code": "plan", "label": "帮扶计划（个性化帮扶）", "disbursements": 150, "households": 90,
                          "amount_yuan": "300000.00"}],
    "aid_by_cause": [{"code": "illness", "label": "因病", "disbursements": 80, "households": 50,
                      "amount_yuan": "160000.00"}],
    "due_for_review": 9,
}


class DisputeStatistics(SystemView):
    read_scope = write_scope = "statistics:read"

    @extend_schema(
        operation_id="statistics_disputes", tags=["statistics"], summary=_("劳动争议调解统计"),
        description=_("组织（含全部下级组织）在统计期间的受理、调解成功、调解成功率、挽回经济损失、履行到位金额、法定时限超期、"
                      "已办结和平均办结天数，按争议事项和申请方式分列；数字和统计口径与统计报表相同。"),
        parameters=PARAMETERS, responses={200: DisputeFiguresSerializer, **problems(422)},
        examples=[OpenApiExample("figures", response_only=True, value=DISPUTE_EXAMPLE), FORBIDDEN_SCOPE, OUTSIDE_REACH],
    )
    def get(self, request):
        organisation = organisation_named(self.client, request.query_params.get("organisation"))
        return Response(DisputeFiguresSerializer(dispute_data(organisation, _period(request))).data)


class HardshipStatistics(SystemView):
    read_scope = write_scope = "statistics:read"

    @extend_schema(
        operation_id="statistics_hardship", tags=["statistics"], summary=_("困难职工帮扶统计"),
        description=_("组织（含全部下级组织）在统计期间的在档户数、新认定户数、帮扶覆盖率、帮扶资金发放和待年度复核档案数；"
                      "与统计报表相同。"),
        parameters=PARAMETERS, responses={200: HardshipFiguresSerializer, **problems(422)},
        examples=[OpenApiExample("figures", response_only=True, value=HARDSHIP_EXAMPLE), FORBIDDEN_SCOPE, OUTSIDE_REACH],
    )
    def get(self, request):
        organisation = organisation_named(self.client, request.query_params.get("organisation"))
        return Response(HardshipFiguresSerializer(hardship_data(organisation, _period(request))).data)
