"""Lists and unlocks sign-ins locked after failed attempts (for superusers at the shell).

    manage.py unlock_login --list
    manage.py unlock_login USERNAME [USERNAME ...] [--reason TEXT]
    manage.py unlock_login --address 203.0.113.7 [--reason TEXT]

Each unlock is journalled (actor system:unlock_login). Organisation admins unlock the accounts
of their subtree on the 登录锁定 page instead.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.timezone import localtime

from cases.models.actors import system
from cases.platform.signin.throttling import account_lockouts, address_lockouts, unlock_account, unlock_address


class Command(BaseCommand):
    help = "列出或解锁因登录失败次数过多而被锁定的账户或网络地址（记入审计日志）。"

    def add_arguments(self, parser):
        parser.add_argument("usernames", nargs="*", help="要解锁的用户名")
        parser.add_argument("--address", action="append", default=[], help="要解锁的网络地址（可重复）")
        parser.add_argument("--reason", default="", help="解锁理由，记入审计日志")
        parser.add_argument("--list", dest="only_list", action="store_true", help="只列出当前被锁定的账户和地址")

    def handle(self, *args, usernames, address, reason, only_list, **options):
        if only_list or not (usernames or address):
            self._list()
            return
        User = get_user_model()
        actor = system("unlock_login")
        for username in usernames:
            user = User.objects.filter(username=username).first()
            if user is None:
                raise CommandError(f"用户“{username}”不存在：请检查用户名（区分大小写）。")
            count = unlock_account(user=user, by=actor, reason=reason)
            self.stdout.write(f"已解锁账户 {username}（清除 {count} 条失败记录）。")
        for ip in address:
            count = unlock_address(address=ip, by=actor, reason=reason)
            self.stdout.write(f"已解锁网络地址 {ip}（清除 {count} 条失败记录）。")

    def _list(self):
        accounts, addresses = account_lockouts(), address_lockouts()
        if not accounts and not addresses:
            self.stdout.write("目前没有被锁定的账户或网络地址。")
            return
        for lockout in accounts:
            self.stdout.write(f"账户 {lockout.username} @ {lockout.address}：失败 {lockout.failures} 次，"
                              f"{localtime(lockout.until):%Y-%m-%d %H:%M} 自动解锁")
        for lockout in addresses:
            self.stdout.write(f"网络地址 {lockout.address}：失败 {lockout.failures} 次，"
                              f"{localtime(lockout.until):%Y-%m-%d %H:%M} 自动解锁")
