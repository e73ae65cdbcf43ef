"""Staff pages of inspections, one URL module per part of the work."""
from . import urls_joint, urls_plans, urls_records, urls_rectification, urls_visits

app_name = "inspections"
urlpatterns = [
    *urls_visits.urlpatterns,
    *urls_plans.urlpatterns,
    *urls_records.urlpatterns,
    *urls_rectification.urlpatterns,
    *urls_joint.urlpatterns,
]
