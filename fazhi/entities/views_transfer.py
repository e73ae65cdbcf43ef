# Placeholder until the import/export views are written; replaced entirely.
from django.http import HttpResponse
from django.views import View


def _todo(request, *args, **kwargs):
    return HttpResponse(status=501)


class ImportListView(View):
    def get(self, request, *args, **kwargs):
        return _todo(request)


export_entities = import_upload = import_template = import_detail = import_progress = import_apply = import_cancel = _todo
