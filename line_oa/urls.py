from django.urls import path

from . import liff_views, simulator, views, webhook

app_name = "line_oa"

urlpatterns = [
    path("webhook/", webhook.webhook, name="webhook"),
    path("photo/<str:token>/", views.photo, name="photo"),
    path("photo/<str:token>/thumb.jpg", views.photo_thumb, name="photo_thumb"),
    path("liff/report/", liff_views.page, name="liff_report"),
    path("liff/api/context/", liff_views.context_view, name="liff_context"),
    path("liff/api/mine/", liff_views.mine_view, name="liff_mine"),
    path("liff/api/photo/", liff_views.photo_view, name="liff_photo"),
    path("liff/api/report/", liff_views.report_view, name="liff_report_submit"),
]
# The simulator answers 404 unless DEBUG or DEMO_MODE is on (checked per request).
urlpatterns += simulator.urlpatterns
