"""Pages of the law library: the list of texts, search in their provisions, a law with its versions and
article tree, a provision's permalink, and the import of a new text.

Reading is open to every active member of staff; importing to administrators and legal reviewers, checked
here and again by the service.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fazhi.core.listing import ScopedListView
from fazhi.core.permissions import NOT_VISIBLE
from fazhi.core.spreadsheets import FileProblem

from . import importing
from .choices import level_rank
from .citations import int_to_chinese, provision_label
from .filters import LawFilterSet, ProvisionFilterSet
from .forms import ImportConfirmForm, ImportForm
from .loading import import_version
from .models import Law, LawVersion, Provision
from .permissions import ensure_may_import, may_import
from .rules import LIBRARY_RULES
from .tables import LawTable, ProvisionTable
from .versions import version_state

IMPORT_TEMPLATE = "laws/import.html"


# ---- lists -----------------------------------------------------------------------------------------------------

class LawListView(ScopedListView):
    model = Law
    filterset_class = LawFilterSet
    table_class = LawTable
    template_name = "laws/law_list.html"
    title = "法律法规库"
    paginate_by = LIBRARY_RULES.laws_per_page

    def scoped_queryset(self, queryset):
        return (queryset.annotate(level_rank=level_rank()).order_by("level_rank", "short_title")
                .prefetch_related("versions"))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["may_import"] = may_import(self.request.user)
        return context


class ProvisionSearchView(ScopedListView):
    """Search in the provisions' text; nothing is listed until there is something to search for."""

    model = Provision
    filterset_class = ProvisionFilterSet
    table_class = ProvisionTable
    template_name = "laws/provision_search.html"
    title = "条文检索"
    paginate_by = LIBRARY_RULES.provisions_per_page

    def scoped_queryset(self, queryset):
        if not self.request.GET.get("q", "").strip():
            return queryset.none()
        return queryset.select_related("version__law").order_by("version__law__short_title", "-version__effective_from",
                                                                 "sort_order")


# ---- a law and its versions ------------------------------------------------------------------------------------

@dataclass
class ParagraphNode:
    row: Provision | None  # the paragraph's own row; None for the only paragraph of an article
    intro: str
    anchor: str
    label: str
    items: list[Provision] = field(default_factory=list)


@dataclass
class ArticleNode:
    row: Provision
    paragraphs: list[ParagraphNode] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"第{int_to_chinese(self.row.article)}条"


@dataclass
class ChapterNode:
    title: str
    articles: list[ArticleNode] = field(default_factory=list)


def article_tree(provisions) -> list[ChapterNode]:
    """Chapters → articles → paragraphs → items, from a version's provisions in their order."""
    chapters: list[ChapterNode] = []
    article: ArticleNode | None = None
    for row in provisions:
        if row.paragraph == 0 and row.item == 0:
            if not chapters or chapters[-1].title != row.chapter:
                chapters.append(ChapterNode(row.chapter))
            article = ArticleNode(row)
            chapters[-1].articles.append(article)
            # The article's first line is its only paragraph's text, unless paragraph rows follow.
            article.paragraphs.append(ParagraphNode(None, row.text.split("\n")[0], row.anchor, ""))
        elif row.item == 0:
            if article.paragraphs and article.paragraphs[0].row is None:
                article.paragraphs.clear()
            article.paragraphs.append(ParagraphNode(row, row.text.split("\n")[0], row.anchor,
                                                    f"第{int_to_chinese(row.paragraph)}款"))
        else:
            article.paragraphs[-1].items.append(row)
    return chapters


def _version_page(request, law: Law, version: LawVersion | None):
    versions = list(law.versions.select_related("imported_by").order_by("-effective_from"))
    context = {
        "law": law, "version": version, "title": law.title,
        "versions": [(v, version_state(v)) for v in versions],
        "may_import": may_import(request.user),
    }
    if version is not None:
        provisions = version.provisions.order_by("sort_order")
        context.update(state=version_state(version), tree=article_tree(provisions),
                       article_count=sum(1 for p in provisions if p.paragraph == 0 and p.item == 0))
    return render(request, "laws/law_detail.html", context)


def _visible(queryset, request, **lookup):
    found = queryset.visible_to(request.user).filter(**lookup).first()
    if found is None:
        raise Http404(NOT_VISIBLE)
    return found


@login_required
@require_GET
def law_detail(request, pk):
    """The law with the version in force today (or, none being, the newest), its other versions listed."""
    law = _visible(Law.objects.all(), request, pk=pk)
    version = (law.versions.in_force_on(timezone.localdate()).order_by("-effective_from").first()
               or law.versions.order_by("-effective_from").first())
    return _version_page(request, law, version)


@login_required
@require_GET
def version_detail(request, pk):
    version = _visible(LawVersion.objects.select_related("law"), request, pk=pk)
    return _version_page(request, version.law, version)


@login_required
@require_GET
def provision_detail(request, pk):
    """A provision's permanent page: its text in its version, the version's standing and caveats."""
    provision = _visible(Provision.objects.select_related("version__law"), request, pk=pk)
    version = provision.version
    article_rows = version.provisions.filter(article=provision.article).order_by("sort_order")
    same_number = (Provision.objects.filter(version__law=version.law, article=provision.article,
                                            paragraph=provision.paragraph, item=provision.item)
                   .exclude(version=version).select_related("version__law").order_by("-version__effective_from"))
    return render(request, "laws/provision_detail.html", {
        "provision": provision, "version": version, "law": version.law, "label": provision_label(provision),
        "title": provision_label(provision), "state": version_state(version),
        "tree": article_tree(article_rows),
        "other_versions": [(p, version_state(p.version)) for p in same_number],
    })


# ---- import ----------------------------------------------------------------------------------------------------

def _initial_for(request) -> dict:
    """Prefilled from ?law=<id>: importing a newer version of a law already in the library."""
    law_id = request.GET.get("law", "")
    law = Law.objects.filter(pk=law_id).first() if law_id.isdigit() else None
    if law is None:
        return {}
    return {"title": law.title, "short_title": law.short_title, "level": law.level, "issuer": law.issuer}


@login_required
@require_http_methods(["GET", "POST"])
def law_import(request):
    """Upload and check: the parsed articles and what loading will do are shown; nothing is saved yet."""
    ensure_may_import(request.user)
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
    else:
        form = ImportForm(initial=_initial_for(request))
    context = {"form": form, "title": "导入法律法规文本"}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            text = importing.uploaded_text(upload)
            parsed = importing.check_text(text)
        except FileProblem as problem:
            form.add_error("file", problem.message)
        else:
            data = form.version_data(source=f"上传文件：{upload.name}"[:300])
            plan = importing.plan_import(data, parsed)
            context.update(
                parsed=parsed, data=data, plan=plan, file_name=upload.name,
                preview=parsed.articles[:LIBRARY_RULES.preview_articles],
                confirm_form=ImportConfirmForm(initial={"payload": importing.sign_import(data, parsed.body,
                                                                                         actor=request.user)}),
            )
    return render(request, IMPORT_TEMPLATE, context)


@login_required
@require_POST
def law_import_confirm(request):
    """Parse the checked text again and load it, all or nothing."""
    ensure_may_import(request.user)
    form = ImportConfirmForm(request.POST)
    try:
        if not form.is_valid():
            raise FileProblem("确认信息缺失，请重新上传文件。")
        data, text = importing.unsign_import(form.cleaned_data["payload"], actor=request.user)
        result = import_version(data, text, actor=request.user)
    except FileProblem as problem:
        messages.error(request, problem.message)
        return redirect("laws:import")
    except ValidationError as error:
        messages.error(request, "未导入：" + "；".join(error.messages))
        return redirect("laws:import")
    version = result.version
    if result.created:
        messages.success(request, f"已导入《{version.law.short_title}》（{version.version_label}），"
                                  f"共{version.provisions.filter(paragraph=0, item=0).count()}条。")
    else:
        messages.warning(request, f"库中已有内容完全相同的文本（{version.version_label}），未重复导入。")
    return redirect(reverse("laws:version", args=[version.pk]))
