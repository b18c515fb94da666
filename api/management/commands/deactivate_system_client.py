"""Deactivate a system client of the API: no new token, its tokens revoked at once.

    manage.py deactivate_system_client CLIENT_ID [--reason TEXT]
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from api.system.clients import deactivate_client
from api.system.models import SystemClient
from cases.models.actors import system


class Command(BaseCommand):
    help = "停用接口的系统客户端：不再发放令牌，已发放的令牌立即失效。"

    def add_arguments(self, parser):
        parser.add_argument("client_id", help="客户端编号（client_id）")
        parser.add_argument("--reason", default="", help="停用原因（记入审计日志）")

    def handle(self, *args, client_id: str, reason: str, **options):
        client = SystemClient.objects.select_related("application").filter(application__client_id=client_id).first()
        if client is None:
            raise CommandError(_("找不到客户端编号为“%(id)s”的系统客户端。") % {"id": client_id})
        if deactivate_client(client, by=system("deactivate_system_client"), reason=reason):
            self.stdout.write(_("已停用系统客户端“%(name)s”，其访问令牌已失效。") % {"name": client.name})
        else:
            self.stdout.write(_("系统客户端“%(name)s”此前已停用。") % {"name": client.name})
