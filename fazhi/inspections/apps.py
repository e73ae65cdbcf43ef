from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "fazhi.inspections"
    label = "inspections"
    verbose_name = "监督检查"

    def ready(self) -> None:
        from fazhi.entities.services import register_name_copy

        from . import nav, tabs, visits

        nav.register()
        tabs.register_tab()
        register_name_copy(visits.copy_entity_names)
