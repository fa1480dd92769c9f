from django.urls import path

from . import public, views

app_name = "notices"

urlpatterns = [
    # complaints.models.PUBLIC_PATH is this pattern: /c/<reference>/<token>/
    path("c/<str:reference>/<str:token>/", public.case_page, name="public_case"),
    path("notices/demo/", views.demo_notices, name="demo_notices"),
]
