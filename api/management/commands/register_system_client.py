"""Register a system client of the API (issue 21, point 1).

    manage.py register_system_client --org CODE --scopes SCOPE [SCOPE ...] --name NAME

Makes an OAuth2 application of the client-credentials grant bound to the organisation's subtree
and the scopes, journals it, and prints the client id and the client secret. The secret is
stored hashed and is shown this once: keep it where the other system keeps its secrets.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from api.system.clients import register_client
from api.system.models import SCOPES
from cases.models import Organisation
from cases.models.actors import system


class Command(BaseCommand):
    help = "登记接口的系统客户端（OAuth2客户端凭证），限定组织范围和权限范围；客户端密钥只显示这一次。"

    def add_arguments(self, parser):
        parser.add_argument("--org", dest="org_code", required=True, help="客户端所属组织的代码（可访问该组织及其下级组织）")
        parser.add_argument("--scopes", nargs="+", required=True, metavar="SCOPE",
                            help="权限范围，可多个（可用空格或逗号分隔）：" + "、".join(SCOPES))
        parser.add_argument("--name", required=True, help="客户端名称，如“工会App”“海淀区民政局数据交换”")

    def handle(self, *args, org_code: str, scopes: list[str], name: str, **options):
        organisation = Organisation.objects.filter(code=org_code.strip()).first()
        if organisation is None:
            raise CommandError(_("找不到代码为“%(code)s”的组织。") % {"code": org_code})
        wanted = [scope for text in scopes for scope in text.replace(",", " ").split()]
        if not name.strip():
            raise CommandError(_("请填写客户端名称。"))
        try:
            client, secret = register_client(name=name, organisation=organisation, scopes=wanted,
                                             by=system("register_system_client"))
        except ValidationError as error:
            raise CommandError("；".join(error.messages)) from None
        self.stdout.write(_("已登记系统客户端“%(name)s”：组织 %(org)s（含下级组织），权限范围 %(scopes)s。") % {
            "name": client.name, "org": f"{organisation.code} {organisation.name}", "scopes": " ".join(sorted(client.scope_set))})
        self.stdout.write(f"client_id: {client.application.client_id}")
        self.stdout.write(f"client_secret: {secret}")
        self.stdout.write(_("客户端密钥只显示这一次，系统中只保存其散列值；请立即妥善保存。令牌地址：/api/v1/oauth/token/"))
