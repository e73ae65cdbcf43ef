"""`seed_discretion --from-violations`: generate the seed discretion table from the violations read from the
shipped texts; `seed_discretion --load [FILE] --user USERNAME`: check a table and load it (all or nothing).

The first needs no database: it writes fazhi/cases/data/discretion_seed.tsv, which the data migration loads.
The second applies the same checks as the upload page, under the named account (法制审核员 or 系统管理员).
"""
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from fazhi.cases import discretion
from fazhi.core.spreadsheets import FileProblem


class Command(BaseCommand):
    help = ("生成或导入裁量基准表：seed_discretion --from-violations 由违法行为清单生成种子文件；"
            "seed_discretion --load [文件] --user 账号 检查并导入（全部导入或全不导入）。")

    def add_arguments(self, parser):
        action = parser.add_mutually_exclusive_group(required=True)
        action.add_argument("--from-violations", action="store_true", help="由违法行为清单生成种子裁量基准表。")
        action.add_argument("--load", nargs="?", const=str(discretion.SEED_FILE), metavar="FILE",
                            help="检查并导入裁量基准表（.xlsx或.tsv），不写文件名时导入种子文件。")
        parser.add_argument("--source", default=str(discretion.VIOLATIONS_FILE), help="违法行为清单（.tsv）。")
        parser.add_argument("--output", default=str(discretion.SEED_FILE), help="生成的种子文件。")
        parser.add_argument("--user", help="以哪个账号的名义导入（须为法制审核员或系统管理员）。")

    def handle(self, *args, from_violations: bool, load: str | None, source: str, output: str, user: str | None,
               **options):
        if from_violations:
            try:
                rows = discretion.write_seed_file(Path(source), Path(output))
            except (OSError, ValueError) as error:
                raise CommandError(str(error)) from error
            self.stdout.write(f"已生成{output}：{len(rows)}个违法行为。")
            return
        self._load(Path(load), user)

    def _load(self, path: Path, username: str | None) -> None:
        from fazhi.core.models import User

        if not username:
            raise CommandError("导入须用 --user 指明账号（法制审核员或系统管理员）。")
        actor = User.objects.filter(username=username, is_active=True).first()
        if actor is None:
            raise CommandError(f"账号“{username}”不存在或已停用，请核对。")
        if not path.is_file():
            raise CommandError(f"找不到文件：{path}")
        try:
            check = discretion.load_discretion_table(path, actor)
        except (FileProblem, PermissionDenied) as error:
            raise CommandError(getattr(error, "message", str(error))) from error
        except discretion.DiscretionTableRejected as rejected:
            for problem in rejected.check.problems:
                self.stderr.write(f"第{problem['row']}行 {problem['column']}：{problem['message']}")
            raise CommandError("检查未通过，未导入任何内容。") from None
        self.stdout.write(f"已导入：新增{check.new_count}条、更新{check.changed_count}条，{check.unchanged_count}条无变化。")
