from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from complaints import media

from . import console, metrics, views

admin.site.site_header = _("ศูนย์รับแจ้งทุกข์ 1555 — ระบบส่งต่อเรื่อง")
admin.site.site_title = _("ศูนย์รับแจ้งทุกข์ 1555")
admin.site.index_title = _("คอนโซลส่งต่อเรื่อง")

urlpatterns = [
    path("", views.home, name="home"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("healthz", views.healthz, name="healthz"),
    path("healthz/ready", views.healthz, name="healthz_ready"),
    path("healthz/live", views.healthz_live, name="healthz_live"),
    path("metrics", metrics.metrics_view, name="metrics"),
    path("i18n/", include("django.conf.urls.i18n")),
    # The console's home (the shift's queues) in place of the admin's app list.
    path("admin/", admin.site.admin_view(console.home), name="console_home"),
    path("admin/queues/", admin.site.admin_view(console.queues_fragment), name="console_queues"),
    path("admin/", admin.site.urls),
    path("reports/", include("reports.urls")),
    path("line/", include("line_oa.urls")),
    path("", include("notices.urls")),
    path("audit/", include("audits.urls")),
    path("api/", include("api.urls")),
    path("open311/v2/", include("api.open311_urls")),
    # Always routed: originals and LINE files need the role check (nginx may serve /media/public/ itself).
    path("media/private/<path:path>", media.private_media, name="private_media"),
    path("media/<path:path>", media.media, name="media"),
]
