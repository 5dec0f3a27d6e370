from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers


class LanguageMiddleware:
    """Chinese first: pages are zh-hans unless the person chose English with the switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language, so an
    agent on an English-language browser would get English pages by surprise.
    Here only the language cookie (set by the header switch) changes the page
    language; the API also honours Accept-Language, which integrations set on purpose.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.supported:
            language = settings.LANGUAGE_CODE
            if request.path.startswith("/api/") and "HTTP_ACCEPT_LANGUAGE" in request.META:
                language = translation.get_language_from_request(request)
        # The request's language for this request only: the thread goes back to what it had,
        # so work done after it in the same thread (a job, the next test) is not left in it.
        previous = translation.get_language()
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        try:
            response = self.get_response(request)
        finally:
            translation.activate(previous) if previous else translation.deactivate()
        patch_vary_headers(response, ("Cookie", "Accept-Language"))
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response
