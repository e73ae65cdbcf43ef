from django.urls import include, path

from .api import api

urlpatterns = [
    path("", include("fazhi.core.urls")),
    path("entities/", include("fazhi.entities.urls")),
    path("inspections/", include("fazhi.inspections.urls")),
    path("portal/inspections/", include("fazhi.inspections.urls_portal")),
    path("laws/", include("fazhi.laws.urls")),
    path("cases/discretion/", include("fazhi.cases.urls_discretion")),
    path("cases/publication/", include("fazhi.cases.urls_publication")),
    path("cases/", include("fazhi.cases.urls")),
    path("reviews/", include("fazhi.reviews.urls")),
    path("reports/", include("fazhi.reports.urls")),
    path("supervision/risk/", include("fazhi.supervision.urls_risk")),
    path("supervision/", include("fazhi.supervision.urls")),
    path("accounts/", include("fazhi.core.urls_accounts")),
    path("portal/", include("fazhi.portal.urls")),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]

handler403 = "fazhi.core.views.forbidden"
handler404 = "fazhi.core.views.not_found"
