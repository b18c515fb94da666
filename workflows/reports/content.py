"""What the report shows, built once from the figures and used by the page, the PDF and the
XLSX alike: the headline figures, the tables and the SVG charts."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property

from django.utils.translation import gettext as _

from cases.models import Organisation
from cases.selectors import yuan
from cases.statistics.disputes import DEFINITIONS, SUCCESS_RATE_LABEL, DisputeFigures, dispute_figures
from cases.statistics.hardship import HardshipFigures, hardship_figures
from cases.statistics.period import Period
from workflows.reports.charts import Series, bar_chart

TEN_THOUSAND = Decimal(10_000)


def wan(amount: Decimal) -> str:
    """¥71,770,000.00 → 7,177.00万元, as the federation reports money."""
    tens_of_thousands = (amount / TEN_THOUSAND).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return _("%(amount)s万元") % {"amount": f"{tens_of_thousands:,}"}


def _or_dash(value, suffix: str = "") -> str:
    return "—" if value is None else f"{value}{suffix}"


@dataclass(frozen=True)
class Headline:
    label: str
    value: str
    detail: str = ""
    definition: str = ""  # what the figure counts, printed beside it on the page


@dataclass(frozen=True)
class Report:
    organisation: Organisation
    period: Period
    disputes: DisputeFigures
    hardship: HardshipFigures

    @cached_property
    def dispute_headlines(self) -> list[Headline]:
        d = self.disputes
        return [
            Headline(_("受理"), _("%(n)s件") % {"n": f"{d.accepted:,}"},
                     _("涉及劳动者%(workers)s人，其中集体劳动争议%(collective)s件") % {
                         "workers": f"{d.accepted_workers:,}", "collective": f"{d.accepted_collective:,}"},
                     str(DEFINITIONS["accepted"])),
            Headline(_("受理案件涉及劳动者"), _("%(n)s人") % {"n": f"{d.accepted_workers:,}"},
                     _("集体劳动争议计为一件案件，按其全部劳动者计人数"), str(DEFINITIONS["accepted_workers"])),
            Headline(_("调解成功"), _("%(n)s件") % {"n": f"{d.mediated_successfully:,}"}),
            Headline(str(SUCCESS_RATE_LABEL), _or_dash(d.mediation_success_rate, "%"),
                     _("调解成功%(successful)s件÷本期调解终结%(ended)s件（另%(others)s件受理后调解不成或撤回）") % {
                         "successful": f"{d.mediated_successfully:,}", "ended": f"{d.mediation_ended:,}",
                         "others": f"{d.mediation_ended_without_agreement:,}"},
                     str(DEFINITIONS["mediation_success_rate_percent"])),
            Headline(_("挽回经济损失"), wan(d.recovered), yuan(d.recovered)),
            Headline(_("履行到位金额"), wan(d.paid), yuan(d.paid)),
            Headline(_("法定时限超期"), _("%(n)s次") % {"n": d.breaches_total}),
            Headline(_("已办结"), _("%(n)s件") % {"n": f"{d.closed:,}"}, _("统计期间内结案"),
                     str(DEFINITIONS["closed"])),
            Headline(_("平均办结天数"), _or_dash(d.average_days_to_closing, _("天")),
                     _("已受理的已办结案件%(n)s件") % {"n": f"{d.closed_after_acceptance:,}"},
                     str(DEFINITIONS["average_days_from_receipt_to_closing"])),
        ]

    @property
    def dispute_definitions(self) -> list[str]:
        """The dispute figures' definitions, in the order of the figures (统计口径)."""
        return [str(text) for text in DEFINITIONS.values()]

    @cached_property
    def hardship_headlines(self) -> list[Headline]:
        h = self.hardship
        return [
            Headline(_("在档困难职工家庭"), _("%(n)s户") % {"n": h.open_files}),
            Headline(_("新认定家庭"), _("%(n)s户") % {"n": h.newly_identified}),
            Headline(_("帮扶覆盖率"), _or_dash(h.coverage, "%"),
                     _("%(aided)s户在期内获得帮扶") % {"aided": h.aided_households}),
            Headline(_("帮扶资金发放"), wan(h.aid_paid), yuan(h.aid_paid)),
            Headline(_("待年度复核"), _("%(n)s份") % {"n": h.due_for_review}),
        ]

    @cached_property
    def charts(self) -> dict:
        d, h = self.disputes, self.hardship
        return {
            "claim_types": bar_chart(
                title=_("按争议事项：受理与调解成功（件）"), labels=[r.label for r in d.by_claim_type],
                series=[_counts(_("受理"), [r.accepted_cases for r in d.by_claim_type]),
                        _counts(_("调解成功"), [r.successful_cases for r in d.by_claim_type])]),
            "recovered": bar_chart(
                title=_("按争议事项：挽回经济损失（万元）"), labels=[r.label for r in d.by_claim_type],
                series=[_money(_("挽回经济损失"), [r.recovered for r in d.by_claim_type])]),
            "channels": bar_chart(
                title=_("按申请方式：受理与调解成功（件）"), labels=[r.label for r in d.by_channel],
                series=[_counts(_("受理"), [r.accepted for r in d.by_channel]),
                        _counts(_("调解成功"), [r.mediated_successfully for r in d.by_channel])]),
            "categories": bar_chart(
                title=_("在档家庭按困难类别（户）"), labels=[r.label for r in h.open_by_category],
                series=[_counts(_("在档"), [r.count for r in h.open_by_category])]),
            "aid_types": bar_chart(
                title=_("帮扶资金按类别（万元）"), labels=[r.label for r in h.aid_by_type],
                series=[_money(_("发放金额"), [r.amount for r in h.aid_by_type])]),
            "aid_programmes": bar_chart(
                title=_("帮扶资金按帮扶项目（万元）"), labels=[r.label for r in h.aid_by_programme],
                series=[_money(_("发放金额"), [r.amount for r in h.aid_by_programme])]),
            "aid_causes": bar_chart(
                title=_("帮扶资金按致困原因（万元）"), labels=[r.label for r in h.aid_by_cause],
                series=[_money(_("发放金额"), [r.amount for r in h.aid_by_cause])]),
        }

    @property
    def file_stem(self) -> str:
        return f"{self.organisation.code}-{self.period.start:%Y%m%d}-{self.period.end:%Y%m%d}-report"


def _counts(name: str, values: list[int]) -> Series:
    return Series(name, values, [f"{v:,}" for v in values])


def _money(name: str, values: list[Decimal]) -> Series:
    return Series(name, values, [wan(v) for v in values])


def build_report(*, organisation: Organisation, period: Period) -> Report:
    return Report(
        organisation=organisation, period=period,
        disputes=dispute_figures(organisation=organisation, period=period),
        hardship=hardship_figures(organisation=organisation, period=period),
    )
