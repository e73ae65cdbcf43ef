"""`take_down_expired_publications [--date YYYY-MM-DD]`: take down the published penalty decisions whose display
period has ended (5 years, 2 for a person); run daily by cron.

Idempotent: a decision already taken down or withdrawn is left alone, so a second run takes nothing down twice.
The portal hides an expired decision on its own from the day the period ends; this command records the take-down.
"""
import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from fazhi.cases.publication import take_down_expired


class Command(BaseCommand):
    help = "撤下公开期限已届满的行政处罚决定（法人或其他组织5年，公民2年；每日由定时任务运行）。"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="按哪一天计算（默认今天），格式 YYYY-MM-DD。")

    def handle(self, *args, date: str | None = None, **options):
        try:
            today = dt.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError:
            raise CommandError(f"日期“{date}”格式不正确，应为 YYYY-MM-DD。") from None
        count = take_down_expired(today)
        self.stdout.write(f"共撤下到期的处罚决定 {count} 件。")
