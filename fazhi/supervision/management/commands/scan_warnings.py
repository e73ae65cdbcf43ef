"""The early-warning scan, for cron (nightly, and after the rule table changes):

    fazhi scan_warnings                          # every rule over every record
    fazhi scan_warnings --rule W-CASE-90         # one rule (repeatable)
    fazhi scan_warnings --organisation 12        # the records of a bureau and of those below it
    fazhi scan_warnings --today 2026-03-02       # as on another day (checking a boundary)

Prints, per rule, what it found, raised, changed and resolved and how long it took, then the totals.
"""
import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from fazhi.core.models import Organisation
from fazhi.supervision.engine import ScanScope
from fazhi.supervision.scan import scan
from fazhi.supervision.warning_rules import RULES_BY_CODE


class Command(BaseCommand):
    help = "按预警规则核查记录：产生新预警，更新已有预警，消除情形已消除的预警。"

    def add_arguments(self, parser):
        parser.add_argument("--rule", action="append", dest="rules", metavar="CODE", help="只核查该规则（可重复）")
        parser.add_argument("--organisation", type=int, metavar="ID", help="只核查该机关及其下级机关的记录")
        parser.add_argument("--today", type=dt.date.fromisoformat, metavar="YYYY-MM-DD", help="按该日核查（默认今天）")

    def handle(self, *args, **options):
        codes = options["rules"] or None
        unknown = sorted(set(codes or ()) - set(RULES_BY_CODE))
        if unknown:
            raise CommandError(f"没有这些预警规则：{'、'.join(unknown)}")
        scope = self._scope(options["organisation"])

        def progress(code: str, found: int) -> None:
            self.stdout.write(f"  {code} 已核查出 {found:,} 条……")

        def on_rule(run) -> None:
            if not run.active:
                self.stdout.write(f"{run.code:<20}{run.name}：已停用，消除 {run.resolved:,}，{run.seconds:.2f} 秒")
                return
            self.stdout.write(f"{run.code:<20}{run.name}：发现 {run.found:,}，新增 {run.raised:,}，更新 {run.changed:,}，"
                              f"消除 {run.resolved:,}，{run.seconds:.2f} 秒")

        report = scan(scope, options["today"], codes=codes, progress=progress, on_rule=on_rule)
        self.stdout.write(self.style.SUCCESS(
            f"预警核查完成（{report.today:%Y-%m-%d}）：{len(report.runs)} 条规则，发现 {report.total('found'):,}，"
            f"新增 {report.total('raised'):,}，更新 {report.total('changed'):,}，消除 {report.total('resolved'):,}，"
            f"用时 {report.seconds:.1f} 秒。"))

    @staticmethod
    def _scope(organisation_id: int | None) -> ScanScope | None:
        if organisation_id is None:
            return None
        root = Organisation.objects.filter(pk=organisation_id).first()
        if root is None:
            raise CommandError(f"没有编号为 {organisation_id} 的机构。")
        below = Organisation.objects.filter(path__startswith=root.path).values_list("pk", flat=True)
        return ScanScope.of_organisations(below)
