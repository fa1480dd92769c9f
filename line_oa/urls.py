from django.urls import path

from . import simulator, views, webhook

app_name = "line_oa"

urlpatterns = [
    path("webhook/", webhook.webhook, name="webhook"),
    path("photo/<str:token>/", views.photo, name="photo"),
    path("photo/<str:token>/thumb.jpg", views.photo_thumb, name="photo_thumb"),
]
# The simulator answers 404 unless DEBUG or DEMO_MODE is on (checked per request).
urlpatterns += simulator.urlpatterns
