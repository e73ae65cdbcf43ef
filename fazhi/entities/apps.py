from django.apps import AppConfig


class EntitiesConfig(AppConfig):
    name = "fazhi.entities"
    label = "entities"
    verbose_name = "监管对象"

    def ready(self) -> None:
        from . import nav, tabs

        nav.register()
        tabs.register_builtin_tabs()
