"""`import_entities FILE --user USERNAME [--apply]`: check (and apply) an entity list on the server itself.

For files too large to wait on in a browser. The same rules as the import page: the user's role and bureau,
all rows checked first, all or nothing, every change audited under that user's name.
"""
import sys
import time
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from fazhi.core.models import User
from fazhi.entities.choices import ImportStatus
from fazhi.entities.imports import apply_batch, check_batch, create_batch

# In a log (not a terminal) one progress line every few seconds is enough.
PROGRESS_EVERY_SECONDS = 5


class Command(BaseCommand):
    help = ("检查并导入监管对象表格（.xlsx，或UTF-8、GBK编码的.csv）：import_entities 文件 --user 账号 [--apply]。"
            "不加 --apply 只检查并列出错误；加 --apply 在检查通过后导入（全部导入或全不导入）。")

    def add_arguments(self, parser):
        parser.add_argument("path", help="要导入的表格文件。")
        parser.add_argument("--user", required=True, help="以哪个账号的名义导入（须有批量导入权限）。")
        parser.add_argument("--apply", action="store_true", help="检查通过后立即导入。")

    def handle(self, *args, path: str, user: str, apply: bool, **options):
        actor = User.objects.select_related("organisation").filter(username=user, is_active=True).first()
        if actor is None:
            raise CommandError(f"账号“{user}”不存在或已停用，请核对。")
        source = Path(path)
        if not source.is_file():
            raise CommandError(f"找不到文件：{path}")
        try:
            with source.open("rb") as handle:
                batch = create_batch(actor=actor, uploaded_file=File(handle, name=source.name))
        except (ValidationError, PermissionDenied) as error:
            raise CommandError("；".join(getattr(error, "messages", [str(error)]))) from error
        self.stdout.write(f"已上传为批次 {batch.pk}，开始检查……")
        batch = check_batch(batch, on_progress=self._progress("检查"))
        self._report(batch)
        if batch.status != ImportStatus.CHECKED_OK:
            raise CommandError("检查未通过，未导入任何记录。")
        if not apply:
            self.stdout.write("只做了检查；加 --apply 可导入。")
            return
        batch = apply_batch(batch, actor=actor, on_progress=self._progress("导入"))
        self._report(batch)
        if batch.status != ImportStatus.APPLIED:
            raise CommandError("导入未完成，未导入任何记录。")

    def _progress(self, phase: str):
        last = [0.0]

        def show(processed: int, total: int) -> None:
            if sys.stderr.isatty():
                self.stderr.write(f"\r{phase}：{processed}/{total} 行", ending="")
            elif time.monotonic() - last[0] >= PROGRESS_EVERY_SECONDS:
                last[0] = time.monotonic()
                self.stderr.write(f"{phase}：已处理 {processed} 行")

        return show

    def _report(self, batch) -> None:
        if sys.stderr.isatty():
            self.stderr.write("")
        self.stdout.write(f"{batch.get_status_display()}：{batch.message}")
        for error in batch.errors:
            column = f"“{error['column']}”列" if error["column"] else ""
            self.stdout.write(f"  第{error['row']}行{column}：{error['message']}")
