"""The page routes of `casework.web_urls`, read from the URL conf so a page added later
is covered by the tests that walk them."""

from django.urls import URLPattern, URLResolver

from casework import web_urls


def _flatten(patterns: list[URLPattern | URLResolver]) -> list[URLPattern]:
    found: list[URLPattern] = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            # Each context's urls.py is included at the root, so its routes are whole.
            assert str(pattern.pattern) == "", pattern
            found.extend(_flatten(pattern.url_patterns))
        else:
            found.append(pattern)
    return found


def page_routes() -> list[URLPattern]:
    """Every page route, each context's `urls.py` included by `web_urls` walked in order."""
    return _flatten(web_urls.urlpatterns)
