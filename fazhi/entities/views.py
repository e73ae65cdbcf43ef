# Placeholder until the list/detail/edit views are written; replaced entirely.
from django.http import HttpResponse
from django.views import View


def _todo(request, *args, **kwargs):
    return HttpResponse(status=501)


class EntityListView(View):
    def get(self, request, *args, **kwargs):
        return _todo(request)


entity_create = entity_detail = entity_edit = entity_grade = entity_status = _todo
licence_create = licence_edit = licence_delete = _todo
