from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "fazhi.core"
    label = "core"
    verbose_name = "平台核心"

    def ready(self) -> None:
        from . import lookups, panels, signals  # noqa: F401  (lookups: `__any`; signals: login/logout audit hooks)

        panels.register()
