from django.core.management.base import BaseCommand, CommandError

from fazhi.core.audit import verify_chain


class Command(BaseCommand):
    help = "校验审计链：逐条核对序号、前一事件摘要和本事件摘要，指出第一条被篡改、删除或调换的事件。"

    def handle(self, *args, **options):
        check = verify_chain()
        if check.intact:
            self.stdout.write(self.style.SUCCESS(f"审计链完整：共校验 {check.checked} 条事件。"))
            return
        where = f"第 {check.broken_seq} 号事件" + (f"（记录编号 {check.broken_id}）" if check.broken_id else "")
        raise CommandError(f"审计链断裂：{where}：{check.reason}。此前 {check.checked} 条事件完好。")
