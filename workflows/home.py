"""The workbench home: who the user is, where, and each role's work (UX.md): a mediator's tasks
by legal deadline and the queue beside them, a lead's team board, a caseworker's and a
reviewer's queues (workflows/worklists.py), an auditor's and an organisation admin's figures.

Every number on the page is a real query, scoped with cases.models.access: a role held in an
organisation covers that organisation's subtree and nothing else. A number that counts the
items of a list is a link to the page showing exactly those items, counted as that page counts
them. The page reads a fixed number of queries whatever the number of rows.
"""

from dataclasses import dataclass, field

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Count, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from cases.models import (
    AuditChainHead,
    AuditEvent,
    Membership,
    Organisation,
    Role,
)
from cases.models.access import scoped, visible_organisations
from workflows.dispute.flow import DisputeFlow
from workflows.dispute.views import BREACHED, MenuCounts
from workflows.worklists import (
    WorkList,
    dispute_list,
    hardship_list,
    open_tasks_counts,
    plan_list,
    programme_work_list,
    task_list_url,
    team_list,
)


@dataclass
class Metric:
    """One figure on a card, a link to the list of what it counts (`url`); when it is zero the
    card says so in words."""

    label: str
    value: int
    empty: str
    url: str = ""


@dataclass
class RoleCard:
    role: str
    role_label: str
    title: str
    icon: str
    description: str
    organisations: list[Organisation]
    metrics: list[Metric] = field(default_factory=list)
    badge: str = ""
    note: str = ""
    tree: list[dict] = field(default_factory=list)
    link: str = ""
    link_label: str = ""
    lists: list[WorkList] = field(default_factory=list)  # tables of work (workflows/worklists.py)

    @property
    def wide(self) -> bool:
        """A card with a table of work spans the page."""
        return bool(self.lists)

    @property
    def titled_lists(self) -> bool:
        """Several tables on one card each name themselves."""
        return len(self.lists) > 1


def role_scope(user, role: str) -> QuerySet[Organisation]:
    """Organisations where `user` exercises `role`: the subtrees of the memberships holding it."""
    roots = list(Organisation.objects.filter(memberships__user=user, memberships__role=role).distinct())
    return visible_organisations(user).filter(
        pk__in=Organisation.objects.subtree_of(roots).values("pk")
    )


def flow_classes() -> list:
    """The flows mounted in the site (FlowAppViewset / WorkflowAppViewset children)."""
    from workflows.site import site

    found = []
    queue = list(site._children)
    while queue:
        viewset = queue.pop(0)
        flow_class = getattr(viewset, "_flow_class", None)
        if flow_class is not None and flow_class not in found:
            found.append(flow_class)
        for flow_class in getattr(viewset, "flow_classes", None) or []:
            if flow_class not in found:
                found.append(flow_class)
        queue.extend(getattr(viewset, "_children", []))
    return found


def unassigned_tasks(user, organisations: QuerySet[Organisation]) -> QuerySet[Task]:
    """Unclaimed human tasks whose case belongs to one of `organisations`.

    A flow takes part when its process model names the lookup from the process to its
    organisation in `organisation_lookup` (e.g. "case__organisation"); tasks of flows that
    do not are never counted, because nothing would tie them to an organisation.
    """
    tasks = Task.objects.none()
    for flow_class in flow_classes():
        process_class = flow_class.process_class
        lookup = getattr(process_class, "organisation_lookup", None)
        if not lookup:
            continue
        via = f"process__{process_class._meta.model_name}__{lookup}"
        queue = Task.objects.filter(
            process__flow_class=flow_class, flow_task_type="HUMAN",
            status=STATUS.NEW, owner__isnull=True,
        )
        tasks = tasks | scoped(queue, user, via=via).filter(**{f"{via}__in": organisations})
    return tasks


TREE_LIMIT = 50


def organisation_tree(organisations: QuerySet[Organisation]) -> list[dict]:
    """The first TREE_LIMIT organisations in tree order, with each one's member count."""
    rows = list(
        organisations.annotate(member_count=Count("memberships__user", distinct=True))
        .order_by("path")[:TREE_LIMIT]
    )
    top = min((row.path.count("/") for row in rows), default=0)
    return [
        {"organisation": row, "depth": row.path.count("/") - top, "members": row.member_count}
        for row in rows
    ]


def mediator_cards(user, organisations, orgs) -> list[RoleCard]:
    """我的待办 (most urgent first) and 待领取 beside it: the first rows of the dispute flow's lists."""
    inbox, queue = dispute_list(user, "inbox"), dispute_list(user, "queue")
    mine = RoleCard(
        role=Role.MEDIATOR, role_label=Role.MEDIATOR.label, title=_("我的待办"), icon="assignment_ind",
        description=_("分配给您的调解任务，按最近的法定期限排列，显示案件编号、劳动者、用人单位、请求金额、所处阶段和剩余工作日。"),
        organisations=orgs,
        metrics=[Metric(_("待办任务"), inbox.count, _("暂无待办任务"), url=inbox.url)],
        lists=[inbox],
    )
    claim = RoleCard(
        role=Role.MEDIATOR, role_label=Role.MEDIATOR.label, title=_("待领取"), icon="inbox",
        description=_("本组织尚未分配给调解员的任务，领取后进入“我的待办”。"),
        organisations=orgs,
        metrics=[Metric(_("待领取任务"), queue.count, _("暂无待领取任务"), url=DisputeFlow.instance.reverse("queue"))],
        lists=[queue],
    )
    return [mine, claim]


def lead_cards(user, organisations, orgs) -> list[RoleCard]:
    """The team board: the team's open and overdue tasks, the queue, and each mediator's load."""
    open_tasks = open_tasks_counts(user)
    return [RoleCard(
        role=Role.MEDIATION_LEAD, role_label=Role.MEDIATION_LEAD.label, title=_("团队看板"), icon="groups",
        description=_("按调解员查看在办案件和超期情况，分配或改派任务，审批延期，处理超期。"),
        organisations=orgs,
        metrics=[
            Metric(_("在办任务"), open_tasks["held"], _("暂无在办任务"), url=task_list_url(status=STATUS.ASSIGNED)),
            Metric(_("已超期"), open_tasks["breached"], _("暂无超期"), url=task_list_url(deadline=BREACHED)),
            Metric(_("待领取任务"), MenuCounts(user).numbers["queue"], _("暂无待领取任务"),
                   url=DisputeFlow.instance.reverse("queue")),
        ],
        lists=[team_list(user, organisations)],
    )]


def caseworker_cards(user, organisations, orgs) -> list[RoleCard]:
    from cases.models import LinkCandidate, LinkStatus

    pending = LinkCandidate.objects.filter(organisation__in=organisations, status=LinkStatus.PENDING).count()
    inbox, queue = hardship_list(user, "inbox"), hardship_list(user, "queue")
    return [
        RoleCard(
            role=Role.HARDSHIP_CASEWORKER, role_label=Role.HARDSHIP_CASEWORKER.label,
            title=_("帮扶待办"), icon="home_work",
            description=_("登记申请、入户调查、民政核对、民主评议、公示、建档、年度复核和退档：录入家庭收支后自动计算困难类别。"),
            organisations=orgs,
            metrics=[Metric(_("我的帮扶待办"), inbox.count, _("暂无帮扶待办"), url=inbox.url),
                     Metric(_("待领取"), queue.count, _("暂无待领取的帮扶任务"), url=queue.url)],
            lists=[inbox, queue],
        ),
        RoleCard(
            role=Role.HARDSHIP_CASEWORKER, role_label=Role.HARDSHIP_CASEWORKER.label,
            title=_("疑似困难"), icon="person_search",
            description=_("民政比对发现的疑似困难职工：两份记录并排显示匹配得分和异同，由您确认或排除。"),
            organisations=orgs,
            metrics=[Metric(_("待核对"), pending, _("暂无待核对的疑似困难职工"),
                            url=reverse("workbench:candidate_list"))],
            link=reverse("workbench:candidate_list"), link_label=_("去核对"),
        ),
        programme_card(Role.HARDSHIP_CASEWORKER, programme_work_list(user, "pay"), orgs,
                       _("已批准、尚未发放的送温暖、金秋助学、医疗救助和临时救助申请：在申请页登记发放，生成领款凭证。")),
    ]


def reviewer_cards(user, organisations, orgs) -> list[RoleCard]:
    inbox, queue = hardship_list(user, "inbox"), hardship_list(user, "queue")
    plans = plan_list(user, organisations)
    return [RoleCard(
        role=Role.REVIEWER, role_label=Role.REVIEWER.label, title=_("待审批"), icon="fact_check",
        description=_("帮扶档案审批队列：对照低保标准的测算、入户调查结论、民政核对、公示与异议；批准或附理由退回。本人经办的档案不能由本人审批。"),
        organisations=orgs,
        metrics=[
            Metric(_("我正在审批"), inbox.count, _("暂无正在审批的档案"), url=inbox.url),
            Metric(_("待领取"), queue.count, _("暂无待审批的帮扶档案"), url=queue.url),
            Metric(_("待审批的帮扶计划（在档案详情页审批）"), plans.count, _("暂无待审批的帮扶计划")),
        ],
        lists=[inbox, queue, plans],
    ), programme_card(Role.REVIEWER, programme_work_list(user, "approve"), orgs,
                      _("待您审批或复审批的送温暖、金秋助学、医疗救助和临时救助申请，在申请页审批。本人经办的申请不能由本人审批，"
                        "第一审批人不能再复审批。"))]


def programme_card(role, work: WorkList, orgs, description: str) -> RoleCard:
    """帮扶项目: the programme applications waiting for the user (workflows.worklists.programme_work_list)."""
    return RoleCard(
        role=role, role_label=Role(role).label, title=_("帮扶项目"), icon="volunteer_activism",
        description=description, organisations=orgs,
        metrics=[Metric(work.title, work.count, work.empty, url=work.url)],
        lists=[work],
    )


def auditor_cards(user, organisations, orgs) -> list[RoleCard]:
    head = AuditChainHead.objects.filter(pk=1).first()
    recorded = head.last_seq if head else 0
    events = scoped(AuditEvent.objects.all(), user).filter(organisation__in=organisations).count()
    return [RoleCard(
        role=Role.AUDITOR, role_label=Role.AUDITOR.label, title=_("审计"), icon="policy",
        description=_("查阅本辖区的案件与完整时间线；查看脱敏信息须填写理由并留痕。审计员只读，不能修改任何内容。"),
        organisations=orgs,
        badge=_("审计链：已记录 %(count)s 条事件") % {"count": recorded},
        note=_("此处显示的是记录条数，不是校验结果；审计链的完整性由系统管理员运行校验程序核验。"),
        metrics=[Metric(_("本辖区审计事件"), events, _("本辖区暂无审计事件"))],
    )]


def org_admin_cards(user, organisations, orgs) -> list[RoleCard]:
    members = (
        scoped(Membership.objects.all(), user).filter(organisation__in=organisations)
        .values("user").distinct().count()
    )
    total = organisations.count()
    return [RoleCard(
        role=Role.ORG_ADMIN, role_label=Role.ORG_ADMIN.label, title=_("组织与成员"), icon="account_tree",
        description=_("您管理的组织及其下级组织，以及在其中任职的成员：建立账户、分配角色、重设密码、解锁，"
                      "新建和停用组织，设立资金，录入低保标准，上传节假日安排。每项变更都记入审计日志。"),
        organisations=orgs,
        metrics=[
            Metric(_("组织"), total, _("暂无组织"), url=reverse("orgadmin:organisations")),
            Metric(_("成员"), members, _("暂无成员"), url=reverse("orgadmin:people")),
        ],
        tree=[{**row, "url": reverse("orgadmin:organisation", args=[row["organisation"].pk])}
              for row in organisation_tree(organisations)],
        lists=[org_admin_pages(user)],
        note=_("仅列出前 %(limit)s 个组织。") % {"limit": TREE_LIMIT} if total > TREE_LIMIT else "",
        link=reverse("orgadmin:index"), link_label=_("进入组织管理"),
    )]


def org_admin_pages(user):
    """The organisation admin's pages (workflows/administration/), each a link with its figure."""
    from workflows.administration.overview import admin_figures
    from workflows.worklists import WorkList, WorkRow, link

    figures = admin_figures(user)
    return WorkList(
        key="orgadmin", title=_("组织管理"), headers=[_("管理事项"), _("现状")],
        rows=[WorkRow(cells=[link(figure["url"], figure["label"]), str(figure["value"])]) for figure in figures],
        count=len(figures), url=reverse("orgadmin:index"), empty=_("暂无管理事项"),
    )


CARD_BUILDERS = {
    Role.MEDIATOR: mediator_cards,
    Role.MEDIATION_LEAD: lead_cards,
    Role.HARDSHIP_CASEWORKER: caseworker_cards,
    Role.REVIEWER: reviewer_cards,
    Role.AUDITOR: auditor_cards,
    Role.ORG_ADMIN: org_admin_cards,
}


def superuser_card(user) -> RoleCard:
    organisations = visible_organisations(user)
    return RoleCard(
        role="superuser", role_label=_("系统管理员"), title=_("系统管理"), icon="admin_panel_settings",
        description=_("系统管理员可在管理后台维护组织、成员和节假日安排。"),
        organisations=[],
        metrics=[
            Metric(_("全部组织"), organisations.count(), _("尚未建立任何组织")),
            Metric(
                _("有角色的用户"),
                Membership.objects.values("user").distinct().count(),
                _("尚无用户被分配角色"),
            ),
        ],
        link=reverse("admin:index"), link_label=_("进入管理后台"),
    )


def role_cards(user, memberships: list[Membership]) -> list[RoleCard]:
    held: dict[str, list[Organisation]] = {}
    for membership in memberships:
        held.setdefault(membership.role, []).append(membership.organisation)
    cards = []
    if user.is_superuser:
        cards.append(superuser_card(user))
    for role in Role:
        if role in held:
            cards.extend(CARD_BUILDERS[role](user, role_scope(user, role), held[role]))
    return cards


class HomeView(LoginRequiredMixin, TemplateView):
    template_name = "workflows/home.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        memberships = list(
            Membership.objects.filter(user=user).select_related("organisation", "organisation__parent")
            .order_by("organisation__path", "role")
        )
        return super().get_context_data(
            memberships=memberships,
            cards=role_cards(user, memberships),
            **kwargs,
        )
