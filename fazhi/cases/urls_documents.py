"""A case's documents: the list, each document as .docx, the whole file as .zip, the wording form."""
from django.urls import path

from . import views_documents

urlpatterns = [
    path("<int:pk>/documents/", views_documents.document_list, name="documents"),
    path("<int:pk>/documents/archive.zip", views_documents.case_archive, name="case_archive"),
    path("<int:pk>/documents/<slug:kind>.docx", views_documents.document_docx, name="document_docx"),
    path("<int:pk>/documents/<slug:kind>/wording/", views_documents.document_wording, name="document_wording"),
]
