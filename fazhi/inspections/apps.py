from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "fazhi.inspections"
    label = "inspections"
    verbose_name = "监督检查"

    def ready(self) -> None:
        from . import nav, tabs

        nav.register()
        tabs.register_tab()
