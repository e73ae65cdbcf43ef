from django.urls import include, path

from . import views_manage as v

urlpatterns = [
    path("organisations/", v.OrganisationListView.as_view(), name="organisation_list"),
    path("organisations/new/", v.organisation_create, name="organisation_create"),
    path("organisations/<int:pk>/", v.organisation_detail, name="organisation_detail"),
    path("organisations/<int:pk>/edit/", v.organisation_edit, name="organisation_edit"),
    path("sections/", v.SectionListView.as_view(), name="section_list"),
    path("sections/new/", v.section_create, name="section_create"),
    path("sections/<int:pk>/edit/", v.section_edit, name="section_edit"),
    path("staff/", v.StaffListView.as_view(), name="staff_list"),
    path("staff/new/", v.staff_create, name="staff_create"),
    path("staff/<int:pk>/", v.staff_detail, name="staff_detail"),
    path("staff/<int:pk>/edit/", v.staff_edit, name="staff_edit"),
    path("staff/<int:pk>/deactivate/", v.staff_set_active, {"active": False}, name="staff_deactivate"),
    path("staff/<int:pk>/activate/", v.staff_set_active, {"active": True}, name="staff_activate"),
    path("staff/<int:pk>/reset-password/", v.staff_reset_password, name="staff_reset_password"),
    path("staff/<int:pk>/initial-password/", v.staff_initial_password, name="staff_initial_password"),
    path("certificates/", v.CertificateListView.as_view(), name="certificate_list"),
    path("certificates/new/", v.certificate_issue, name="certificate_issue"),
    path("certificates/<int:pk>/", v.certificate_detail, name="certificate_detail"),
    path("certificates/<int:pk>/edit/", v.certificate_edit, name="certificate_edit"),
    path("certificates/<int:pk>/<slug:transition>/", v.certificate_change_status, name="certificate_change_status"),
    path("calendar/", include("fazhi.core.urls_calendar")),
]
