from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "fazhi.cases"
    label = "cases"
    verbose_name = "行政处罚"

    def ready(self) -> None:
        from . import nav, tabs

        nav.register()
        tabs.register_tab()
