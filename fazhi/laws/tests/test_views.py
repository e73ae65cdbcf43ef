"""The library's pages: lists with search, a law with its versions, the article tree, permalinks, the
import with its preview and errors, who may see and do what, and citations turned into links."""
import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.urls import reverse

from fazhi.core.models import AuditEvent
from fazhi.laws.citations import resolve_one
from fazhi.laws.links import link_citations
from fazhi.laws.models import Law, LawVersion, Provision

from .conftest import law_text

pytestmark = pytest.mark.django_db

IMPORT, CONFIRM = reverse("laws:import"), reverse("laws:import_confirm")
FIELDS = {"title": "公共场所卫生管理条例实施细则", "short_title": "", "level": "ministry_rule",
          "issuer": "国家卫生健康委员会", "version_label": "2017年12月26日修正", "effective_from": "2017-12-26",
          "caveats": "据公开文本录入，尚未与官方文本核对。"}


def upload(client, data: bytes, name: str = "细则.txt", **fields):
    return client.post(IMPORT, {**FIELDS, **fields, "file": SimpleUploadedFile(name, data)})


def payload(response) -> str:
    return re.search(r'name="payload" value="([^"]+)"', response.content.decode()).group(1)


# ---- reading ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["laws:list", "laws:search", "laws:import"])
def test_anonymous_visitors_are_sent_to_sign_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and "login" in response["Location"]


def test_anonymous_visitors_cannot_read_a_provision(client):
    provision = Provision.objects.first()
    assert client.get(reverse("laws:provision", args=[provision.pk])).status_code == 302


def test_the_list_searches_titles_and_pages(as_user, officer):
    client = as_user(officer)
    page = client.get(reverse("laws:list")).content.decode()
    assert "行政处罚法" in page and "共 28 条" in page
    assert "法律法规库" in page  # the menu group
    assert reverse("laws:import") not in page  # an officer may not import
    found = client.get(reverse("laws:list"), {"q": "医疗"}).content.decode()
    assert "医疗废物管理条例" in found and "行政强制法" not in found
    assert "共 4 条" in found
    laws_only = client.get(reverse("laws:list"), {"level": "law"}).content.decode()
    assert "共 16 条" in laws_only
    paged = client.get(reverse("laws:list"), {"per_page": 10, "page": 3}).content.decode()
    assert "共 28 条" in paged


def test_the_list_marks_a_superseded_text(as_user, officer):
    page = as_user(officer).get(reverse("laws:list"), {"q": "传染病"}).content.decode()
    assert "已被修订" in page


def test_provision_text_search(as_user, officer):
    client = as_user(officer)
    empty = client.get(reverse("laws:search")).content.decode()
    assert "共 0 条" in empty
    page = client.get(reverse("laws:search"), {"q": "法制审核"}).content.decode()
    assert "《行政处罚法》第五十八条" in page
    count = int(re.search(r"共 (\d+) 条", page).group(1))
    assert count == Provision.objects.filter(text__contains="法制审核").count() > 1
    law = Law.objects.get(short_title="职业病防治法")
    narrowed = client.get(reverse("laws:search"), {"q": "法制审核", "law": law.pk}).content.decode()
    assert "《行政处罚法》" not in narrowed
    in_force = client.get(reverse("laws:search"), {"q": "传染病", "scope": "in_force"}).content.decode()
    assert "《传染病防治法》" not in in_force  # its only text is no longer in force
    everything = client.get(reverse("laws:search"), {"q": "传染病", "scope": "all"}).content.decode()
    assert "《传染病防治法》" in everything and "已被修订" in everything


def test_a_law_page_shows_versions_caveats_and_the_article_tree(as_user, officer):
    law = Law.objects.get(short_title="行政处罚法")
    page = as_user(officer).get(reverse("laws:law", args=[law.pk])).content.decode()
    assert "中华人民共和国行政处罚法" in page
    assert "2021年1月22日" in page and "现行有效" in page
    assert "未与国家法律法规数据库逐条核对" in page  # the caveat every shipped text carries
    assert 'id="a58"' in page and 'id="a58-p1-i2"' in page and 'id="a5-p2"' in page
    assert "第五章 行政处罚的决定 第三节 普通程序" in page
    item = resolve_one("《行政处罚法》第五十八条第一款第（二）项", dt.date(2025, 1, 1))
    assert reverse("laws:provision", args=[item.pk]) in page
    assert "共86条" in page


def test_a_superseded_text_is_labelled_on_its_pages(as_user, officer):
    client = as_user(officer)
    law = Law.objects.get(short_title="传染病防治法")
    page = client.get(reverse("laws:law", args=[law.pk])).content.decode()
    assert "已被修订" in page and "2025年9月1日失效" in page and "新文本尚未载入本库" in page
    version = law.versions.get()
    assert "已被修订" in client.get(reverse("laws:version", args=[version.pk])).content.decode()
    provision = version.provisions.get(article=73, paragraph=0, item=0)
    permalink = client.get(reverse("laws:provision", args=[provision.pk])).content.decode()
    assert "《传染病防治法》第七十三条" in permalink
    assert "已被修订" in permalink and "新文本尚未载入本库" in permalink


def test_a_provision_permalink_shows_its_article(as_user, officer):
    item = resolve_one("《行政处罚法》第五十八条第一款第（二）项", dt.date(2025, 1, 1))
    page = as_user(officer).get(reverse("laws:provision", args=[item.pk])).content.decode()
    assert "《行政处罚法》第五十八条第一款第（二）项" in page
    assert "直接关系当事人或者第三人重大权益" in page
    assert "所在条文全文" in page and 'id="a58-p2"' in page
    assert reverse("laws:version", args=[item.version_id]) + "#a58-p1-i2" in page


def test_unknown_records_are_not_found(as_user, officer):
    client = as_user(officer)
    assert client.get(reverse("laws:law", args=[999999])).status_code == 404
    assert client.get(reverse("laws:provision", args=[999999])).status_code == 404


# ---- import ----------------------------------------------------------------------------------------------------

def test_only_admins_and_legal_reviewers_may_import(as_user, officer, leader):
    for person in (officer, leader):
        client = as_user(person)
        assert client.get(IMPORT).status_code == 403
        assert upload(client, law_text().encode()).status_code == 403
        assert client.post(CONFIRM, {"payload": "x"}).status_code == 403
    assert not Law.objects.filter(title=FIELDS["title"]).exists()


def test_a_missing_ministry_rule_is_previewed_then_imported(as_user, legal_reviewer):
    client = as_user(legal_reviewer)
    assert "导入文本" in client.get(reverse("laws:list")).content.decode()
    preview = upload(client, law_text("公共场所卫生管理条例实施细则").encode("gbk"))
    page = preview.content.decode()
    assert preview.status_code == 200
    assert "检查通过" in page and "共4条" in page and "新增《公共场所卫生管理条例实施细则》（部门规章）" in page
    assert "第一章 总则" in page and "保持清洁" in page
    assert not Law.objects.filter(title=FIELDS["title"]).exists()  # nothing saved before confirmation
    response = client.post(CONFIRM, {"payload": payload(preview)})
    version = LawVersion.objects.get(law__title=FIELDS["title"])
    assert response.status_code == 302 and response["Location"] == reverse("laws:version", args=[version.pk])
    assert version.law.short_title == "公共场所卫生管理条例实施细则" and version.law.level == "ministry_rule"
    assert version.effective_from == dt.date(2017, 12, 26) and version.caveats == FIELDS["caveats"]
    assert version.source == "上传文件：细则.txt" and version.imported_by == legal_reviewer
    assert AuditEvent.objects.filter(object_type="laws.lawversion", object_id=str(version.pk)).exists()
    shown = client.get(response["Location"]).content.decode()
    assert "已导入《公共场所卫生管理条例实施细则》" in shown and FIELDS["caveats"] in shown
    # Confirming the same text again changes nothing.
    again = client.post(CONFIRM, {"payload": payload(upload(client, law_text("公共场所卫生管理条例实施细则").encode()))})
    assert LawVersion.objects.filter(law__title=FIELDS["title"]).count() == 1
    assert "未重复导入" in client.get(again["Location"]).content.decode()


def test_a_newer_version_is_imported_from_the_law_page(as_user, admin):
    client = as_user(admin)
    law = Law.objects.get(short_title="传染病防治法")
    form = client.get(IMPORT, {"law": law.pk}).content.decode()
    assert 'value="中华人民共和国传染病防治法"' in form
    fields = {"title": law.title, "short_title": law.short_title, "level": "law", "issuer": "全国人大常委会",
              "version_label": "2025年4月30日修订", "effective_from": "2025-09-01", "caveats": ""}
    preview = upload(client, law_text("中华人民共和国传染病防治法").encode(), name="传染病防治法.md", **fields)
    assert "本文本将作为《传染病防治法》的现行版本" in preview.content.decode()
    client.post(CONFIRM, {"payload": payload(preview)})
    page = client.get(reverse("laws:law", args=[law.pk])).content.decode()
    assert "2025年4月30日修订</strong>（正在显示）" in page
    assert law.versions.count() == 2


@pytest.mark.parametrize("data, name, message", [
    (b"", "a.txt", "文件为空"),
    (b"   \n  ", "a.txt", "文件为空"),
    ("这是一份通知，没有条文。".encode(), "a.txt", "没有找到条文"),
    ("第一条 甲。\n第三条 丙。\n".encode(), "a.md", "条文顺序有误，第一条之后应为第二条，却是第三条"),
    (b"\xff\xfe\xfd\x81\x30\x00", "a.txt", "不是纯文本"),
    (b"\x81\x30\xff\xfe\xfd\x81", "a.txt", "无法识别文件编码"),
    ("第一条 甲。".encode(), "a.docx", "只能上传.md、.txt文本文件"),
])
def test_import_errors_are_clear_and_save_nothing(as_user, legal_reviewer, data, name, message):
    response = upload(as_user(legal_reviewer), data, name=name)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert CONFIRM not in response.content.decode()
    assert not Law.objects.filter(title=FIELDS["title"]).exists()


def test_the_form_checks_its_fields(as_user, legal_reviewer):
    page = upload(as_user(legal_reviewer), law_text().encode(), effective_from="", promulgated_on="2018-01-01",
                  title="").content.decode()
    assert "请填写施行日期" in page and CONFIRM not in page


def test_a_tampered_or_foreign_confirmation_is_refused(as_user, legal_reviewer, admin):
    client = as_user(legal_reviewer)
    token = payload(upload(client, law_text("公共场所卫生管理条例实施细则").encode()))
    response = client.post(CONFIRM, {"payload": token[:-2] + "xx"}, follow=True)
    assert "确认信息无效" in response.content.decode()
    other = as_user(admin).post(CONFIRM, {"payload": token}, follow=True)
    assert "确认信息无效" in other.content.decode()
    assert not Law.objects.filter(title=FIELDS["title"]).exists()


def test_a_conflict_found_on_confirmation_is_reported(as_user, legal_reviewer):
    client = as_user(legal_reviewer)
    law = Law.objects.get(short_title="行政处罚法")
    fields = {"title": law.title, "short_title": law.short_title, "effective_from": "2021-07-15"}
    preview = upload(client, law_text("中华人民共和国行政处罚法").encode(), **fields)
    assert "不能再导入同一施行日期的另一文本" in preview.content.decode()
    response = client.post(CONFIRM, {"payload": payload(preview)}, follow=True)
    assert "未导入" in response.content.decode()
    assert law.versions.count() == 1


# ---- citations as links ----------------------------------------------------------------------------------------

def test_citations_in_free_text_become_links():
    provision = resolve_one("《公共场所卫生管理条例》第八条", dt.date(2025, 1, 1))
    html = link_citations("依据《公共场所卫生管理条例》第八条、第九十九条和《某某办法》第三条<b>")
    assert f'href="{reverse("laws:provision", args=[provision.pk])}"' in html
    assert ">《公共场所卫生管理条例》第八条</a>" in html
    assert "、第九十九条和《某某办法》第三条&lt;b&gt;" in html  # no such article, no such law: left as is
    bare = link_citations("违反中华人民共和国行政处罚法第三十七条")
    assert ">中华人民共和国行政处罚法第三十七条</a>" in bare


def test_a_citation_of_a_superseded_text_links_to_its_latest_version():
    html = link_citations("传染病防治法第七十三条第（一）项")
    provision = resolve_one("传染病防治法第七十三条第（一）项", latest=True)
    assert reverse("laws:provision", args=[provision.pk]) in html


def test_the_template_filter():
    rendered = Template("{% load laws_tags %}{{ text|link_citations }}").render(
        Context({"text": "《行政处罚法》第五十八条"}))
    assert '<a class="citation"' in rendered and "title=\"《行政处罚法》第五十八条\"" in rendered
