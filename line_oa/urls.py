from django.conf import settings
from django.urls import path

from . import views, webhook

app_name = "line_oa"

urlpatterns = [
    path("webhook/", webhook.webhook, name="webhook"),
    path("photo/<str:token>/", views.photo, name="photo"),
    path("photo/<str:token>/thumb.jpg", views.photo_thumb, name="photo_thumb"),
]

if settings.DEBUG or settings.DEMO_MODE:
    from . import simulator

    urlpatterns += simulator.urlpatterns
