"""`manage.py dispute_stats --org BJ-HD --from 2026-01-01 --to 2026-06-30 [--format json|text]`

The federation's dispute figures for an organisation's subtree (cases/statistics/disputes.py
holds the definitions, which both formats print: text under 统计口径, JSON under "definitions").
JSON prints one object; amounts are decimal strings with two places.
"""

import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from cases.models import Organisation
from cases.statistics.disputes import DEFINITIONS, SUCCESS_RATE_LABEL, dispute_figures
from cases.statistics.period import custom_period


class Command(BaseCommand):
    help = "按组织（含下级）和期间统计劳动争议调解数据：受理、调解成功、调解成功率、挽回经济损失、履行到位金额、已办结等，并列出统计口径。"

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="组织代码，如 BJ-HD（统计含其全部下级组织）")
        parser.add_argument("--from", dest="start", required=True, help="开始日期（含），如 2026-01-01")
        parser.add_argument("--to", dest="end", required=True, help="结束日期（含），如 2026-06-30")
        parser.add_argument("--format", choices=["json", "text"], default="text")

    def handle(self, *args, org, start, end, format, **options):
        organisation = Organisation.objects.filter(code=org.strip()).first()
        if organisation is None:
            raise CommandError(_("没有代码为“%(code)s”的组织。") % {"code": org})
        try:
            period = custom_period(start, end)
        except ValidationError as error:
            raise CommandError("；".join(error.messages)) from None
        figures = dispute_figures(organisation=organisation, period=period)
        if format == "json":
            self.stdout.write(json.dumps(figures.as_json(), ensure_ascii=False))
            return
        self.stdout.write(self._text(figures))

    def _text(self, figures) -> str:
        rate = "—" if figures.mediation_success_rate is None else f"{figures.mediation_success_rate}%"
        days = "—" if figures.average_days_to_closing is None else str(figures.average_days_to_closing)
        return "\n".join([
            f"{figures.organisation}　{figures.period.label}",
            _("受理：%(n)s件（涉及劳动者%(workers)s人，其中集体劳动争议%(collective)s件）") % {
                "n": figures.accepted, "workers": figures.accepted_workers, "collective": figures.accepted_collective},
            _("调解成功：%(n)s件") % {"n": figures.mediated_successfully},
            _("%(label)s：%(rate)s（调解成功%(successful)s件÷本期调解终结%(ended)s件）") % {
                "label": SUCCESS_RATE_LABEL, "rate": rate, "successful": figures.mediated_successfully,
                "ended": figures.mediation_ended},
            _("挽回经济损失：¥%(amount)s") % {"amount": f"{figures.recovered:,.2f}"},
            _("履行到位金额：¥%(amount)s") % {"amount": f"{figures.paid:,.2f}"},
            _("法定时限超期：%(n)s次") % {"n": figures.breaches_total},
            _("已办结：%(n)s件") % {"n": figures.closed},
            _("平均办结天数：%(days)s（已受理的已办结案件%(n)s件）") % {"days": days,
                                                                 "n": figures.closed_after_acceptance},
            _("统计口径："),
            *(f"- {text}" for text in DEFINITIONS.values()),
        ])
