"""An import in a real browser: upload a small workbook, watch the check, confirm, find the entity in the list."""
import pytest
from django.db import connection
from playwright.sync_api import expect

from fazhi.core.tests import factories as f
from fazhi.core.xlsx_stream import XLSX_CONTENT_TYPE

from .import_files import entity_row, xlsx_file

# Serialized rollback: the live server needs committed data, and the flush after each test must not leave
# later transactional tests without the rows the migrations seed (domains, document kinds).
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SALON = "开平市长沙街道康华美容美发店"


@pytest.fixture
def background_jobs(settings, tmp_path):
    """Uploads in a temporary folder; the check and apply in their background thread, as on a server.

    The test database of SQLite is in memory with a shared cache, where a second writer is refused at once
    instead of waiting (every request saves its session): there the jobs run inside the request.
    """
    settings.MEDIA_ROOT = tmp_path
    settings.FAZHI_JOBS_INLINE = connection.vendor == "sqlite"


def sign_in(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_role("textbox", name="用户名", exact=True).fill(username)
    page.get_by_role("textbox", name="密码", exact=True).fill(f.TEST_PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_a_section_head_imports_a_workbook_and_finds_the_entity_in_the_list(
        page, live_server, section_head, townships, background_jobs):
    rows = [entity_row(1, {"名称": SALON, "类别": "公共场所", "细分类别": "美容美发场所", "证照类别": "公共场所卫生许可证"}),
            entity_row(2)]
    sign_in(page, live_server.url, section_head.username)
    page.goto(f"{live_server.url}/entities/imports/new/")
    page.get_by_label("表格文件").set_input_files(
        files=[{"name": "开平监管对象.xlsx", "mimeType": XLSX_CONTENT_TYPE, "buffer": xlsx_file(rows)}])
    page.get_by_role("button", name="上传并检查").click()
    # The page polls while the check runs in the background, then shows its findings and the preview.
    expect(page.get_by_text("检查通过：共2行，将新增2个")).to_be_visible(timeout=20_000)
    expect(page.locator("table.import-preview")).to_contain_text(SALON)
    page.get_by_role("button", name="确认导入").click()
    expect(page.get_by_text("已导入：共2行，新增2个")).to_be_visible(timeout=20_000)
    page.goto(f"{live_server.url}/entities/?q=康华美容")
    expect(page.get_by_role("link", name=SALON)).to_be_visible()
    expect(page.get_by_role("link", name="开平市惠民诊所2")).to_have_count(0)
