from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "fazhi.supervision"
    label = "supervision"
    verbose_name = "执法监督与预警"

    def ready(self) -> None:
        from fazhi.inspections.draws import register_risk_scorer

        from . import indicators, nav, risk_nav
        from .risk import risk_scores

        nav.register()
        risk_nav.register()
        indicators.register()
        register_risk_scorer(lambda entities: {pk: found.score for pk, found in risk_scores(entities).items()})
