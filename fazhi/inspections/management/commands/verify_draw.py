"""Check a random draw again: recompute its hashes and re-run it from the stored seed and pools."""
from django.core.management.base import BaseCommand, CommandError

from fazhi.inspections.draws import verify_draw
from fazhi.inspections.models import Draw


class Command(BaseCommand):
    help = "复核一次随机抽取：重新计算对象库、人员库和结果的哈希，并按保存的种子重新抽取。不一致时以非零状态退出。"

    def add_arguments(self, parser):
        parser.add_argument("draw_id", type=int)

    def handle(self, *args, draw_id: int, **options):
        draw = Draw.objects.select_related("plan").filter(pk=draw_id).first()
        if draw is None:
            raise CommandError(f"没有编号为 {draw_id} 的随机抽取。")
        check = verify_draw(draw)
        self.stdout.write(f"抽取 {draw.pk}：{draw.plan}")
        self.stdout.write(f"随机种子：{check.seed}")
        self.stdout.write(f"算法版本：{check.algorithm}")
        for label, stored, now in check.lines():
            mark = "一致" if stored == now else "不一致"
            self.stdout.write(f"{label}：保存 {stored}  重算 {now or '—'}  {mark}")
        if not check.ok:
            raise CommandError("复核不一致：抽取记录或其依据已被改动，或无法按保存的种子重现。")
        self.stdout.write(self.style.SUCCESS("复核一致：按保存的种子和两库重新抽取，结果相同。"))
