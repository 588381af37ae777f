from django.contrib import admin
from django.urls import include, path

from casework.api import api, receiver_api

urlpatterns = [
    path("api/v1/", api.urls),
    path("api/receiver/v1/", receiver_api.urls),
    path("admin/", admin.site.urls),
    # Django's set_language (POST only): the language switcher in every page's header.
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("casework.web_urls")),
]
