from csp.decorators import csp_update
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from . import reference, views
from .errors import not_found

router = SimpleRouter()
router.register("complaints", views.ComplaintViewSet, basename="complaint")
router.register("assignments", views.AssignmentViewSet, basename="assignment")
router.register("agencies", reference.AgencyViewSet, basename="agency")
router.register("coordinators", reference.CoordinatorViewSet, basename="coordinator")
router.register("categories", reference.CategoryViewSet, basename="category")
router.register("zones", reference.ZoneViewSet, basename="zone")
router.register("districts", reference.DistrictViewSet, basename="district")
router.register("subdistricts", reference.SubdistrictViewSet, basename="subdistrict")

app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    # Redoc's footer shows Redocly's logo from their CDN: the one third-party load, allowed on this page only.
    path(
        "redoc/",
        csp_update({"img-src": ["https://cdn.redoc.ly"]})(SpectacularRedocView.as_view(url_name="api:schema")),
        name="redoc",
    ),
    path("v1/", include(router.urls)),
    # Anything else under /api/ is a 404 in the API's JSON error shape, not Django's HTML page.
    re_path(r"^[\s\S]*$", not_found),  # [\s\S]: also paths with a newline in them
]
