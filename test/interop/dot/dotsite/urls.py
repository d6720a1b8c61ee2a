from django.contrib.auth.views import LoginView
from django.urls import include, path

from notes import middleware, views

urlpatterns = [
    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("api/notes", views.notes),
    path("test/counts", middleware.counts),
]
