"""`schedule_rechecks [--date YYYY-MM-DD]`: plan the re-checks that have fallen due (run daily by cron).

Idempotent: an opinion that already has a re-check (not cancelled) gets no second one, so running it twice a day,
or again after a failure, plans nothing twice.
"""
import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from fazhi.inspections.rectification import schedule_due_rechecks


class Command(BaseCommand):
    help = "为整改期限已届满、尚未办结且未安排复查的卫生监督意见书安排整改复查（每日由定时任务运行）。"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="按哪一天计算（默认今天），格式 YYYY-MM-DD。")

    def handle(self, *args, date: str | None = None, **options):
        try:
            today = dt.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError:
            raise CommandError(f"日期“{date}”格式不正确，应为 YYYY-MM-DD。") from None
        planned = schedule_due_rechecks(today)
        for recheck in planned:
            window = f"{recheck.window_start:%Y-%m-%d} 至 {recheck.window_end:%Y-%m-%d}"
            self.stdout.write(f"已安排复查：{recheck.entity}（{window}）")
        self.stdout.write(f"共安排整改复查 {len(planned)} 次。")
