from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "fazhi.reports"
    label = "reports"
    verbose_name = "统计与报告"

    def ready(self) -> None:
        # The figures of the modules built before this one are registered here; later modules register their own.
        from . import indicators_cases, indicators_inspections, indicators_staff, nav

        indicators_inspections.register()
        indicators_cases.register()
        indicators_staff.register()
        nav.register()
