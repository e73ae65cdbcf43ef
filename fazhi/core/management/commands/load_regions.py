"""`load_regions [path]`: load the region table, by default the one shipped with Fazhi."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from fazhi.core.regions import SHIPPED_REGIONS, load_regions


class Command(BaseCommand):
    help = "导入行政区划表（GB/T 2260 代码及乡级代码）。不给路径时导入系统自带的区划表；文件有错时不导入任何数据。"

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="UTF-8 CSV 文件，表头为 code,name,level,parent_code")

    def handle(self, *args, path=None, **options):
        source = Path(path) if path else SHIPPED_REGIONS
        if not source.is_file():
            raise CommandError(f"找不到区划文件“{source}”，请检查路径后重新运行。")
        result = load_regions(source)
        if not result.ok:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(f"区划文件有 {len(result.errors)} 处错误，未导入任何数据。请按上面的提示改正后重新导入。")
        self.stdout.write(self.style.SUCCESS(f"行政区划导入完成：{result.summary}。"))
