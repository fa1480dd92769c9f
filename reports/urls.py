from django.urls import path

from . import views, views_loop

app_name = "reports"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("agencies/", views.agencies, name="agencies"),
    path("agencies/<int:pk>/", views.agency_detail, name="agency"),
    path("categories/", views.categories, name="categories"),
    path("areas/", views.areas, name="areas"),
    path("trends/", views.trends, name="trends"),
    path("channels/", views.channels, name="channels"),
    path("outcomes/", views_loop.outcomes, name="outcomes"),
    path("survey/", views_loop.survey, name="survey"),
    path("closing/", views_loop.closing_loop, name="closing"),
    path("export/<slug:key>.<str:fmt>", views.export, name="export"),
    path("districts.geojson", views.districts_geojson, name="districts_geojson"),
]
