from django.apps import AppConfig


class LawsConfig(AppConfig):
    name = "fazhi.laws"
    label = "laws"
    verbose_name = "法律法规库"

    def ready(self) -> None:
        from . import nav

        nav.register()
