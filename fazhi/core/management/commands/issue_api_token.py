"""Issue an API token for another system and print its key, which is shown this once and never stored."""
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from fazhi.core.models import User
from fazhi.core.services import issue_api_token


class Command(BaseCommand):
    help = (
        "为其他系统签发接口令牌：issue_api_token <账号> <用途> [--by <管理员账号>]。"
        "令牌代表<账号>，只能看到该账号可见的数据；密钥只显示这一次，请立即交给对方系统妥善保存。"
        "签发记入审计：签发人为 --by 指定的管理员（须为该账号所在局的系统管理员）；"
        "不指定时，由数据库中最早建立的启用超级管理员签发。"
    )

    def add_arguments(self, parser):
        parser.add_argument("username", help="令牌代表的账号（建议为对方系统单独建立的账号）。")
        parser.add_argument("name", help="用途，例如“省执法监督平台数据交换”。")
        parser.add_argument("--by", dest="by", help="签发人：本局系统管理员的账号。")

    def handle(self, *args, username: str, name: str, by: str | None, **options):
        user = self._find(username, "令牌代表的账号")
        actor = self._find(by, "签发人") if by else self._first_superuser()
        try:
            token, key = issue_api_token(actor=actor, user=user, name=name)
        except PermissionDenied as exc:
            raise CommandError(f"{actor.username}不能为{user.username}签发令牌：{exc}") from exc
        self.stderr.write(f"已为{user.username}签发令牌“{token.name}”（前缀 {token.key_prefix}），签发人{actor.username}。")
        self.stderr.write("以下密钥只显示这一次，请立即妥善保存：")
        self.stdout.write(key)

    @staticmethod
    def _find(username: str, what: str) -> User:
        user = User.objects.select_related("organisation").filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"{what}“{username}”不存在或已停用，请核对账号。")
        return user

    @staticmethod
    def _first_superuser() -> User:
        actor = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
        if actor is None:
            raise CommandError("数据库中没有启用的超级管理员，请用 --by <管理员账号> 指定签发人。")
        return actor
