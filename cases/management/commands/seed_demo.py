"""Demo data: a small Beijing federation tree, one user per role (two reviewers, for the
second approval; the auditor, the organisation admin and the superuser, who must sign in with two
factors, each get a demo authenticator whose public key is printed), and for hardship aid: the regional 低保 standards and assessment parameters, a fund per aid type
with its budget, and one household whose application waits in the caseworkers' queue; and the aid
programmes (cases/management/demo_programmes.py): their rules, fund lines, two households on
file, one after an accident, and an application of each programme (送温暖 paid with its receipt,
金秋助学 and 临时救助 waiting for approval, 医疗救助 approved and waiting to be paid).

Idempotent: organisations are looked up by code and users by username; what exists is
left exactly as it is (a password changed since is never reset). Every run prints the
same table of demo accounts.
"""

from base64 import b32decode
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases.models import (
    EmploymentStatus,
    Fund,
    HardshipParameters,
    Health,
    Household,
    HouseholdMember,
    IncomeItem,
    IncomeKind,
    Membership,
    MinimumLivingStandard,
    Organisation,
    OrganisationKind,
    Relation,
    RigidExpense,
    Role,
    SchoolingStage,
    Worker,
)
from cases.management.demo_programmes import seed_programmes
from cases.models.hardship.states import AidType, IdentificationSource

K = OrganisationKind

# (code, name, kind, parent code), parents before children.
ORGANISATIONS = [
    ("BJ", "北京市总工会", K.CITY_FEDERATION, None),
    ("BJ-HD", "海淀区总工会", K.DISTRICT_FEDERATION, "BJ"),
    ("BJ-CY", "朝阳区总工会", K.DISTRICT_FEDERATION, "BJ"),
    ("BJ-HD-ZGC", "中关村街道劳动争议调解中心", K.STREET_CENTRE, "BJ-HD"),
    ("BJ-HD-XYL", "学院路街道劳动争议调解中心", K.STREET_CENTRE, "BJ-HD"),
    ("BJ-CY-JW", "建外街道劳动争议调解中心", K.STREET_CENTRE, "BJ-CY"),
    ("BJ-CY-WJ", "望京街道劳动争议调解中心", K.STREET_CENTRE, "BJ-CY"),
    ("BJ-HD-ZGC-E01", "北京中关村演示科技有限公司劳动争议调解委员会", K.ENTERPRISE_COMMITTEE, "BJ-HD-ZGC"),
    ("BJ-HD-XYL-E01", "北京学院路演示软件有限公司劳动争议调解委员会", K.ENTERPRISE_COMMITTEE, "BJ-HD-XYL"),
    ("BJ-CY-JW-E01", "北京建外演示商贸有限公司劳动争议调解委员会", K.ENTERPRISE_COMMITTEE, "BJ-CY-JW"),
    ("BJ-CY-WJ-E01", "北京望京演示网络有限公司劳动争议调解委员会", K.ENTERPRISE_COMMITTEE, "BJ-CY-WJ"),
]


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    password: str
    role: str | None = None
    organisation: str | None = None
    superuser: bool = False
    # Base32 TOTP secret of the demo authenticator, for the accounts that must sign in with two factors.
    totp_key: str = ""


DEMO_USERS = [
    DemoUser("mediator", "李调解", "demo-mediator-2026", Role.MEDIATOR, "BJ-HD-ZGC"),
    DemoUser("lead", "王组长", "demo-lead-2026", Role.MEDIATION_LEAD, "BJ-HD-ZGC"),
    DemoUser("caseworker", "张帮扶", "demo-caseworker-2026", Role.HARDSHIP_CASEWORKER, "BJ-HD"),
    # Home visits are made by two staff: the second caseworker goes along (and so may not approve).
    DemoUser("caseworker2", "钱帮扶", "demo-caseworker2-2026", Role.HARDSHIP_CASEWORKER, "BJ-HD"),
    DemoUser("reviewer", "赵审核", "demo-reviewer-2026", Role.REVIEWER, "BJ-HD"),
    DemoUser("reviewer2", "孙复核", "demo-reviewer2-2026", Role.REVIEWER, "BJ-HD"),
    DemoUser("auditor", "刘审计", "demo-auditor-2026", Role.AUDITOR, "BJ-HD",
             totp_key="DEMOAUDITORUNIONCASETOTPKEYAAAAA"),
    DemoUser("orgadmin", "陈管理", "demo-orgadmin-2026", Role.ORG_ADMIN, "BJ",
             totp_key="DEMOORGADMINUNIONCASETOTPKEYAAAA"),
    DemoUser("admin", "系统管理员", "demo-admin-2026", superuser=True, totp_key="DEMOADMINUNIONCASETOTPKEYAAAAAAA"),
]


# The regions the federations serve (GB/T 2260): whose 低保 standards their organisation admins keep.
DEMO_REGION_CODES = {"BJ": "110000", "BJ-HD": "110108", "BJ-CY": "110105"}


def seed_organisations() -> dict[str, Organisation]:
    by_code: dict[str, Organisation] = {}
    for code, name, kind, parent_code in ORGANISATIONS:
        organisation = Organisation.objects.filter(code=code).first()
        if organisation is None:
            organisation = Organisation(
                code=code, name=name, kind=kind, region_code=DEMO_REGION_CODES.get(code, ""),
                parent=by_code[parent_code] if parent_code else None,
            )
            organisation.full_clean()
            organisation.save()
        elif not organisation.region_code and code in DEMO_REGION_CODES:  # seeded before regions were kept
            organisation.region_code = DEMO_REGION_CODES[code]
            organisation.save(update_fields=["region_code"])
        by_code[code] = organisation
    return by_code


def seed_users(organisations: dict[str, Organisation]) -> None:
    User = get_user_model()
    for demo in DEMO_USERS:
        user = User.objects.filter(username=demo.username).first()
        if user is None:
            user = User(
                username=demo.username, first_name=demo.first_name,
                is_staff=demo.superuser, is_superuser=demo.superuser,
            )
            validate_password(demo.password, user)
            user.set_password(demo.password)
            user.full_clean()
            user.save()
        if demo.role:
            Membership.objects.get_or_create(
                user=user, organisation=organisations[demo.organisation], role=demo.role,
            )
        if demo.totp_key and not TOTPDevice.objects.filter(user=user).exists():
            # A known authenticator, so the demo's two-factor accounts can sign in (README).
            TOTPDevice.objects.create(user=user, name="演示身份验证器", confirmed=True,
                                      key=b32decode(demo.totp_key).hex())


# Demo figures (yuan per person per month), not an official table: admins keep the real one.
DEMO_MINIMUM_LIVING_STANDARDS = {2025: Decimal("1450.00"), 2026: Decimal("1500.00")}
DEMO_REGIONS = ("110108", "110105")  # 海淀区, 朝阳区
# Demo assessment parameters beside them (HardshipParameters): 2 × 低保, 80%, medical and education.
DEMO_HARDSHIP_PARAMETERS = {"relative_multiple": Decimal("2.00"), "accident_cost_percent": Decimal("80.00"),
                            "counted_expense_kinds": ["medical", "schooling"],
                            "document_number": "京工发〔2024〕12号（演示数据）", "document_date": date(2024, 3, 1)}
DEMO_FUND_BUDGETS = {AidType.LIVING: Decimal("200000.00"), AidType.MEDICAL: Decimal("150000.00"),
                     AidType.SCHOOLING: Decimal("100000.00"), AidType.EMPLOYMENT: Decimal("50000.00")}
DEMO_HEAD_ID = "110108197805060014"


DEMO_HAIDIAN_CONTACT = ("北京市海淀区演示路1号海淀区总工会职工服务中心", "010-00000000")


def seed_hardship(organisations: dict[str, Organisation]) -> None:
    from cases.hardship import aid
    from cases.hardship.identification import START_HARDSHIP_FLOW, open_hardship_file
    from cases.models.actors import system
    from cases.platform import effects

    for region in DEMO_REGIONS:
        for year, amount in DEMO_MINIMUM_LIVING_STANDARDS.items():
            MinimumLivingStandard.objects.get_or_create(
                region_code=region, year=year, defaults={"monthly_amount": amount, "source": "演示数据"})
            HardshipParameters.objects.get_or_create(region_code=region, year=year, defaults=DEMO_HARDSHIP_PARAMETERS)
    haidian, by = organisations["BJ-HD"], system("seed_demo")
    if not (haidian.address or haidian.phone):  # where the public lodges objections to a publicity
        haidian.address, haidian.phone = DEMO_HAIDIAN_CONTACT
        haidian.save(update_fields=["address", "phone"])
    for aid_type, budget in DEMO_FUND_BUDGETS.items():
        if not Fund.objects.filter(organisation=haidian, year=2026, aid_type=aid_type).exists():
            aid.open_fund(organisation=haidian, year=2026, aid_type=aid_type, budget=budget, by=by,
                          name=f"海淀区总工会2026年{AidType(aid_type).label}资金")
    if Worker.objects.with_resident_id(DEMO_HEAD_ID).exists():
        return
    head = Worker.objects.create(name="周建华", resident_id=DEMO_HEAD_ID, birth_date=date(1978, 5, 6), sex="M",
                                 phone="13800138123", address="北京市海淀区学院路30号")
    household = Household.objects.create(organisation=haidian, head=head, region_code="110108",
                                         address="北京市海淀区学院路30号", work_unit="北京学院路演示软件有限公司",
                                         cause="illness")
    HouseholdMember.objects.create(household=household, worker=head, name=head.name, relation=Relation.SELF,
                                   resident_id=DEMO_HEAD_ID, birth_date=head.birth_date, health=Health.MAJOR_ILLNESS,
                                   employment=EmploymentStatus.UNDER_EMPLOYED)
    HouseholdMember.objects.create(household=household, name="吴秀兰", relation=Relation.SPOUSE,
                                   birth_date=date(1980, 9, 12), employment=EmploymentStatus.UNEMPLOYED)
    HouseholdMember.objects.create(household=household, name="周小雨", relation=Relation.CHILD,
                                   birth_date=date(2009, 3, 1), employment=EmploymentStatus.NOT_OF_WORKING_AGE,
                                   schooling=SchoolingStage.SENIOR_SECONDARY)
    IncomeItem.objects.create(household=household, year=2025, kind=IncomeKind.WAGES, amount=Decimal("52000.00"))
    RigidExpense.objects.create(household=household, year=2025, kind="medical", amount=Decimal("18000.00"),
                                note="化疗自付部分")
    file = open_hardship_file(household=household, by=by, source=IdentificationSource.APPLICATION, year=2025)
    effects.run(START_HARDSHIP_FLOW, file, by=by)


class Command(BaseCommand):
    help = "建立演示数据：北京市总工会的组织树和每个角色一个演示账号（可重复运行，不会改动已有数据）。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true",
            help="在 DEBUG 关闭的环境中也建立演示账号（演示密码是公开的，生产环境切勿使用）。",
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG 已关闭，这看起来是生产环境；演示账号的密码是公开的。"
                "确需在此环境建立演示数据，请加 --force。"
            )
        with transaction.atomic():
            organisations = seed_organisations()
            seed_users(organisations)
            seed_hardship(organisations)
            seed_programmes(organisations, DEMO_REGIONS)

        self.stdout.write(f"演示组织：{len(ORGANISATIONS)} 个（{ORGANISATIONS[0][1]}及其下级）")
        self.stdout.write("用户名 | 角色 | 组织 | 初始密码 | 两步验证密钥")
        for demo in DEMO_USERS:
            role = str(Role(demo.role).label) if demo.role else "超级用户"
            organisation = organisations[demo.organisation].name if demo.organisation else "（全部）"
            self.stdout.write(f"{demo.username} | {role} | {organisation} | {demo.password} | {demo.totp_key or '—'}")
        self.stdout.write("初始密码只在首次建立账号时设置；已存在的账号不会被重设密码。")
        self.stdout.write("有两步验证密钥的账号登录时还需输入验证码：把密钥加入身份验证器应用（基于时间，6位，30秒），"
                          "或运行 oathtool --totp -b 密钥。演示密钥是公开的，只用于演示。")
