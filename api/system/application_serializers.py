"""The bodies of the union's app: a dispute application and a hardship application as the
public pages take them (cases/disputes/online.py, cases/hardship/online.py), and the answers
— the application registered, its progress — field by field, in Chinese."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from api.serializers import OrganisationSerializer, StatusSerializer
from api.system.fields import ChineseSerializer, FileSerializer
from cases.models.hardship.household import EmploymentStatus, Health, HardshipEvent, IncomeKind, Relation, SchoolingStage
from cases.rules.bounds import FACTS_MAX
from cases.rules.claims import live_claim_choices
from cases.rules.eligibility import ExpenseKind
from cases.rules.validators import normalise_mobile, validate_mobile

PHONE_HELP = _("手机号码：须为本客户端已确认属于申请人的号码（如App登录时经短信验证的号码）；电子送达的短信发往此号码")


def mobile(value: str) -> str:
    try:
        validate_mobile(value)
    except ValidationError as error:
        raise serializers.ValidationError(error.messages) from None
    return normalise_mobile(value)


def text(max_length: int, help_text, **kwargs):
    return serializers.CharField(max_length=max_length, required=False, allow_blank=True, default="",
                                 help_text=help_text, **kwargs)


class WorkerSerializer(ChineseSerializer):
    name = serializers.CharField(max_length=50, help_text=_("劳动者姓名"))
    resident_id = serializers.CharField(max_length=18, help_text=_("公民身份号码（18位）：查询进度和核对身份时要用到"))
    phone = serializers.CharField(max_length=20, help_text=PHONE_HELP)
    address = text(200, _("住址，方便调解组织邮寄文书"))

    class Meta:
        ref_name = "ApplicationWorker"

    def validate_phone(self, value):
        return mobile(value)


class EmployerSerializer(ChineseSerializer):
    name = serializers.CharField(max_length=200, help_text=_("用人单位名称，与劳动合同或营业执照上的一致"))
    uscc = text(18, _("统一社会信用代码（18位）；不知道可以不填"))
    address = text(200, _("单位地址"))
    contact_name = text(50, _("单位联系人"))
    contact_phone = text(20, _("单位联系电话"))

    class Meta:
        ref_name = "ApplicationEmployer"


class ClaimSerializer(ChineseSerializer):
    claim_type = serializers.ChoiceField(choices=live_claim_choices(), help_text=_("争议事项"))
    amount_claimed = text(20, _("请求金额（元），如“30000.00”；非金钱请求不填"))
    description = text(500, _("具体请求"))

    class Meta:
        ref_name = "ApplicationClaim"


class DisputeApplicationSerializer(ChineseSerializer):
    """在线调解申请：与“在线申请调解”页面相同的内容、校验和提示。"""

    organisation = serializers.CharField(max_length=32, help_text=_(
        "向哪个调解组织申请：街道（乡镇）调解中心或企业劳动争议调解委员会的组织代码，须在本客户端的范围内"))
    worker = WorkerSerializer(help_text=_("劳动者（申请人）"))
    employer = EmployerSerializer(help_text=_("用人单位"))
    claims = ClaimSerializer(many=True, max_length=30, help_text=_("请求事项，至少一项"))
    facts = serializers.CharField(max_length=FACTS_MAX, help_text=_("发生了什么：入职时间、工作内容、单位欠了什么、是否找单位要过"))
    employment_start = serializers.DateField(required=False, allow_null=True, default=None, help_text=_("入职日期"))
    employment_end = serializers.DateField(required=False, allow_null=True, default=None, help_text=_("离职日期；仍在职的不填"))
    infringement_known_on = serializers.DateField(required=False, allow_null=True, default=None, help_text=_(
        "知道权益受到侵害的日期（如工资应发而未发的日期）：用于提醒仲裁时效；不清楚可以不填"))
    electronic_service = serializers.BooleanField(required=False, default=False, help_text=_(
        "申请人明确同意通过手机短信向其送达受理通知书等文书（在“案件进度查询”中打开文书之日为送达之日）"))
    acknowledge_warnings = serializers.BooleanField(required=False, default=False, help_text=_(
        "申请人已阅读提示（可能超过仲裁时效、可能重复申请）并仍要提交；有提示而未确认的，应答422并列出提示"))
    attachments = FileSerializer(many=True, required=False, default=list, help_text=_(
        "证据材料（劳动合同、工资条、聊天记录截图等），PDF、JPEG 或 PNG，每个不超过上传上限，个数不超过上限（默认5个）"))


class MemberSerializer(ChineseSerializer):
    name = serializers.CharField(max_length=50, help_text=_("姓名"))
    relation = serializers.ChoiceField(choices=[c for c in Relation.choices if c[0] != Relation.SELF],
                                       help_text=_("与户主关系"))
    resident_id = text(18, _("公民身份号码；没有的须填出生日期"))
    birth_date = serializers.DateField(required=False, allow_null=True, default=None, help_text=_("出生日期；有身份证号码的按号码"))
    health = serializers.ChoiceField(choices=Health.choices, required=False, default=Health.HEALTHY, help_text=_("健康状况"))
    employment = serializers.ChoiceField(choices=EmploymentStatus.choices, help_text=_("就业状况"))
    schooling = serializers.ChoiceField(choices=SchoolingStage.choices, required=False, default=SchoolingStage.NONE,
                                        help_text=_("就学阶段"))

    class Meta:
        ref_name = "ApplicationMember"


class HeadSerializer(ChineseSerializer):
    name = serializers.CharField(max_length=50, help_text=_("申请人（户主）姓名"))
    resident_id = serializers.CharField(max_length=18, help_text=_("公民身份号码（18位）"))
    phone = serializers.CharField(max_length=20, help_text=PHONE_HELP)
    health = serializers.ChoiceField(choices=Health.choices, required=False, default=Health.HEALTHY,
                                     help_text=_("健康状况"))
    employment = serializers.ChoiceField(choices=EmploymentStatus.choices, help_text=_("就业状况"))
    schooling = serializers.ChoiceField(choices=SchoolingStage.choices, required=False, default=SchoolingStage.NONE,
                                        help_text=_("就学阶段"))

    class Meta:
        ref_name = "ApplicationHead"

    def validate_phone(self, value):
        return mobile(value)


class IncomeSerializer(ChineseSerializer):
    kind = serializers.ChoiceField(choices=IncomeKind.choices, help_text=_("收入类别"))
    amount = serializers.CharField(max_length=20, help_text=_("全年金额（元），经营亏损可为负数"))

    class Meta:
        ref_name = "ApplicationIncome"


class ExpenseSerializer(ChineseSerializer):
    kind = serializers.ChoiceField(choices=ExpenseKind.choices, help_text=_("刚性支出类别"))
    amount = serializers.CharField(max_length=20, help_text=_("全年金额（元）"))
    note = text(200, _("说明"))

    class Meta:
        ref_name = "ApplicationExpense"


class HardshipCostSerializer(ChineseSerializer):
    event = serializers.ChoiceField(choices=HardshipEvent.choices, help_text=_("致困事由"))
    gross_amount = serializers.CharField(max_length=20, help_text=_("费用总额（元）"))
    compensation = text(20, _("已获赔偿、保险及救助（元）"))
    note = text(200, _("说明"))

    class Meta:
        ref_name = "ApplicationHardshipCost"


class HardshipApplicationSerializer(ChineseSerializer):
    """困难职工帮扶申请：与“困难职工帮扶申请”页面相同的内容和校验。"""

    organisation = serializers.CharField(max_length=32, help_text=_("向哪个工会申请：承担帮扶工作的市、区总工会的组织代码，须在本客户端的范围内"))
    head = HeadSerializer(help_text=_("申请人（户主）"))
    region_code = text(6, _("家庭所在地的行政区划代码（6位）；不填按户主公民身份号码的前6位"))
    address = serializers.CharField(max_length=200, help_text=_("家庭住址：工作人员会上门了解情况"))
    work_unit = text(120, _("工作单位"))
    members = MemberSerializer(many=True, required=False, default=list, max_length=20, help_text=_("户主以外的家庭成员"))
    incomes = IncomeSerializer(many=True, required=False, default=list, max_length=30, help_text=_("家庭全年收入"))
    expenses = ExpenseSerializer(many=True, required=False, default=list, max_length=30, help_text=_("全年刚性支出"))
    hardship_costs = HardshipCostSerializer(many=True, required=False, default=list, max_length=30,
                                            help_text=_("致困费用（如大病医疗）"))
    reason = serializers.CharField(max_length=FACTS_MAX, help_text=_("为什么申请帮扶：家庭遇到了什么困难"))
    authorisation = FileSerializer(help_text=_("全体家庭成员签名的信息核对授权书（拍照或扫描，PDF、JPEG 或 PNG）"))


class AppliedSerializer(serializers.Serializer):
    """The application registered: where it went and where to follow it."""

    id = serializers.IntegerField(help_text=_("申请编号（案件或档案的数据库编号），查询进度时使用"))
    number = serializers.CharField(allow_blank=True, help_text=_("案件编号；帮扶档案建档前为空"))
    status = StatusSerializer(help_text=_("状态"))
    organisation = OrganisationSerializer(help_text=_("受理的组织"))
    received_on = serializers.DateField(help_text=_("收到申请的日期"))
    decision_due = serializers.DateField(allow_null=True, help_text=_("调解组织决定是否受理的最后日期；帮扶申请为空"))
    warnings = serializers.ListField(child=serializers.CharField(), help_text=_("申请人已确认的提示"))
    progress = serializers.URLField(help_text=_("查询进度的接口地址"))


class StepSerializer(serializers.Serializer):
    label = serializers.CharField(help_text=_("步骤"))
    state = serializers.ChoiceField(choices=[("done", _("已完成")), ("current", _("当前")), ("todo", _("未到"))],
                                    help_text=_("done 已完成、current 当前、todo 未到"))


class SessionSerializer(serializers.Serializer):
    number = serializers.IntegerField(help_text=_("第几次调解"))
    starts_at = serializers.DateTimeField(help_text=_("调解时间"))
    place = serializers.CharField(help_text=_("调解地点"))


class NoticeSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text=_("文书编号，打开文书时使用"))
    title = serializers.CharField(help_text=_("文书标题"))
    served_on = serializers.DateField(allow_null=True, help_text=_("送达日期；尚未送达的为空"))
    method = serializers.CharField(allow_blank=True, help_text=_("送达方式；尚未送达的为空"))
    may_open = serializers.BooleanField(
        help_text=_("申请人可以在App中打开：已经送达，或申请人同意电子送达、打开即为送达"))
    url = serializers.URLField(allow_null=True, help_text=_("打开文书（PDF）的接口地址；不能在App中打开的为空"))


class InstalmentSerializer(serializers.Serializer):
    number = serializers.IntegerField(help_text=_("第几期"))
    due_on = serializers.DateField(help_text=_("履行期限"))
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, help_text=_("应付金额（元）"))
    paid = serializers.DecimalField(max_digits=14, decimal_places=2, help_text=_("已付金额（元）"))
    outstanding = serializers.DecimalField(max_digits=14, decimal_places=2, help_text=_("未付金额（元）"))


class DisputeProgressSerializer(serializers.Serializer):
    """The worker's view of their case, as 案件进度查询 shows it."""

    id = serializers.IntegerField(help_text=_("申请编号（案件的数据库编号）"))
    number = serializers.CharField(help_text=_("案件编号"))
    organisation = OrganisationSerializer(help_text=_("调解组织"))
    received_on = serializers.DateField(help_text=_("收到申请的日期"))
    status = StatusSerializer(help_text=_("案件状态"))
    stage = serializers.CharField(help_text=_("当前阶段（对申请人的说法）"))
    steps = StepSerializer(many=True, help_text=_("办理步骤：提交申请、受理、调解、调解协议、履行、结案"))
    next_step = serializers.CharField(help_text=_("下一步做什么"))
    next_date = serializers.DateField(allow_null=True, help_text=_("下一步的日期；没有的为空"))
    sessions = SessionSerializer(many=True, help_text=_("已安排、尚未进行的调解"))
    notices = NoticeSerializer(many=True, help_text=_("送达申请人的文书"))
    instalments = InstalmentSerializer(many=True, help_text=_("调解协议约定的分期履行"))
    electronic_service = serializers.BooleanField(help_text=_("申请人已同意电子送达"))


class HardshipProgressSerializer(serializers.Serializer):
    """Where a hardship application stands."""

    id = serializers.IntegerField(help_text=_("申请编号（档案的数据库编号）"))
    number = serializers.CharField(allow_blank=True, help_text=_("档案编号；建档前为空"))
    organisation = OrganisationSerializer(help_text=_("负责的工会组织"))
    year = serializers.IntegerField(help_text=_("认定年度"))
    applied_on = serializers.DateField(allow_null=True, help_text=_("申请日期"))
    status = StatusSerializer(help_text=_("档案状态"))
    current_steps = serializers.ListField(child=serializers.CharField(), help_text=_("正在办理的环节，如“入户调查”"))
    category = StatusSerializer(allow_null=True, help_text=_("认定的困难类别；尚未认定的为空"))
    opened_on = serializers.DateField(allow_null=True, help_text=_("建档日期；尚未建档的为空"))
    next_review_due = serializers.DateField(allow_null=True, help_text=_("下次年度复核日期"))
