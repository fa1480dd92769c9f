from django.urls import re_path

from . import open311

FMT = r"(?:\.(?P<fmt>json|xml))?$"

app_name = "open311"
urlpatterns = [
    re_path(r"^discovery" + FMT, open311.DiscoveryView.as_view(), name="discovery"),
    re_path(r"^services" + FMT, open311.ServiceListView.as_view(), name="services"),
    re_path(r"^services/(?P<code>[^/]{1,40}?)" + FMT, open311.ServiceDefinitionView.as_view(), name="service"),
    re_path(r"^requests" + FMT, open311.RequestListView.as_view(), name="requests"),
    re_path(r"^requests/(?P<request_id>[^/]{1,40}?)" + FMT, open311.RequestDetailView.as_view(), name="request"),
    # Anything else: the spec's error list, not Django's HTML page.
    re_path(r"^[\s\S]*$", open311.not_found),
]
