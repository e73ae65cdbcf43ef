"""Public pages of inspections on the portal: the published item list, inspection codes, rectification evidence.
No sign-in; every page answers plainly and guessing is throttled."""
from . import urls_portal_codes, urls_portal_evidence, urls_portal_items

app_name = "inspections_portal"
urlpatterns = [
    *urls_portal_items.urlpatterns,
    *urls_portal_codes.urlpatterns,
    *urls_portal_evidence.urlpatterns,
]
