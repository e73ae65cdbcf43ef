from django.urls import path

from . import views_joint

urlpatterns = [
    path("joint/", views_joint.ExternalTaskListView.as_view(), name="joint_tasks"),
    path("joint/upload/", views_joint.task_upload, name="joint_upload"),
    path("joint/upload/confirm/", views_joint.task_upload_confirm, name="joint_upload_confirm"),
    path("joint/template.xlsx", views_joint.task_template, name="joint_template"),
    path("joint/merge/", views_joint.merge, name="joint_merge"),
    path("joint/visits/", views_joint.JointVisitListView.as_view(), name="joint_visits"),
    path("joint/visits/<int:pk>/", views_joint.joint_visit_detail, name="joint_visit"),
    path("joint/report/", views_joint.report, name="joint_report"),
]
