"""The interface language: Simplified Chinese unless the person chose another one.

Django's LocaleMiddleware would follow the browser's Accept-Language, and an office PC set up in English
would get an English interface; Fazhi is Chinese first, so only an explicit choice (the language cookie
set by /i18n/setlang/) changes it.
"""
from django.conf import settings
from django.utils import translation


class ChosenLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
