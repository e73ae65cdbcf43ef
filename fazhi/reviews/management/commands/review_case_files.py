"""Automatic review of the case files, for cron: every file, or those changed since the last run.

    fazhi review_case_files              # all files (weekly, and after editing the case rule table or bands)
    fazhi review_case_files --changed    # files new, changed or still open since the last run (nightly)
"""
from django.core.management.base import BaseCommand

from fazhi.reviews.automatic import run_automatic_review
from fazhi.reviews.choices import RunMode
from fazhi.reviews.rules import REVIEW_RULES


class Command(BaseCommand):
    help = "自动评查案卷：全部案卷，或上次运行以来新增、有变化或仍在办理的案卷。"

    def add_arguments(self, parser):
        parser.add_argument("--changed", action="store_true", help="只评查上次运行以来有变化的案卷")
        parser.add_argument("--batch-size", type=int, default=REVIEW_RULES.automatic_batch_size,
                            help="每批读取的案卷数")

    def handle(self, *args, **options):
        mode = RunMode.CHANGED if options["changed"] else RunMode.ALL

        def progress(done: int, total: int, seconds: float) -> None:
            rate = done / seconds if seconds else 0
            self.stdout.write(f"已评查 {done:,}/{total:,} 件（{rate:,.0f} 件/秒）")

        run = run_automatic_review(mode, progress=progress, batch_size=options["batch_size"])
        seconds = (run.finished_at - run.started_at).total_seconds()
        self.stdout.write(self.style.SUCCESS(
            f"自动评查完成（{run.get_mode_display()}）：{run.case_count:,} 件案卷，发现问题的 {run.flagged_count:,} 件，"
            f"触及否决项的 {run.vetoed_count:,} 件，问题 {run.finding_count:,} 个，用时 {seconds:.1f} 秒。"))
