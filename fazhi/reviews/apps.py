from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "fazhi.reviews"
    label = "reviews"
    verbose_name = "案卷评查"

    def ready(self) -> None:
        from . import indicators, nav

        nav.register()
        indicators.register()
