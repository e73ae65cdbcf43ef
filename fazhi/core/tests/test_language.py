"""The interface is Simplified Chinese whatever the browser asks for, unless the person chose a language."""


def test_it_answers_in_chinese_to_an_english_browser(client, db):
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "用户名" in page.content.decode() and page["Content-Language"] == "zh-hans"


def test_it_follows_an_explicit_choice(client, db, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Username" in client.get("/accounts/login/").content.decode()


def test_it_ignores_an_unsupported_choice(client, db, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"
    assert client.get("/accounts/login/")["Content-Language"] == "zh-hans"
