"""The intake map of the console's add and change forms: the district polygons it draws
(offline: the same GeoJSON the server's point-in-polygon reads) and "which district and
khwaeng is this point in", answered by `agencies.geo` exactly as `workflow.check_details`
decides and fills them."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control

from agencies import geo
from agencies.models import District, Subdistrict

# Where the map starts when the form has neither a point nor a district: Bangkok City Hall.
BANGKOK_CENTRE = (13.7525, 100.5014)


class IntakeMapMixin:
    """Mixed into ComplaintAdmin: the map's two small endpoints and its page data."""

    def map_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "map/districts.geojson",
                wrap(self.districts_geojson_view, cacheable=True),  # 42 kB that never changes in a shift
                name="complaints_complaint_geojson",
            ),
            path("map/locate/", wrap(self.locate_view), name="complaints_complaint_locate"),
        ]

    def _may_use_map(self, request) -> bool:
        return self.has_add_permission(request) or self.has_change_permission(request)

    def districts_geojson_view(self, request):
        if not self._may_use_map(request):
            raise PermissionDenied
        return _geojson_response(request)

    def locate_view(self, request):
        """{district, subdistrict, subdistricts} of the point, or {outside: message} outside Bangkok."""
        if not self._may_use_map(request):
            raise PermissionDenied
        try:
            lat, lng = float(request.GET["lat"]), float(request.GET["lng"])
        except (KeyError, ValueError):
            return JsonResponse({"error": _("พิกัดไม่ถูกต้อง")}, status=400)
        code = geo.district_code_at(lat, lng)
        district = District.objects.filter(code=code).first() if code else None
        if district is None:
            return JsonResponse({"outside": _("จุดนี้อยู่นอกเขตกรุงเทพมหานคร กรุณาเลือกจุดใหม่")})
        khwaeng = list(
            Subdistrict.objects.filter(district=district).order_by("name_th").values_list("pk", "code", "name_th")
        )
        found = geo.subdistrict_code_at(lat, lng, district.code, [code for _, code, _ in khwaeng])
        here = next(({"id": pk, "text": name} for pk, code, name in khwaeng if code == found), None)
        return JsonResponse(
            {
                "district": {"id": district.pk, "text": district.name_th},
                # None where the reference layer cannot tell (a khwaeng split off since 2019):
                # the page offers the district's khwaeng to pick instead.
                "subdistrict": here,
                "subdistricts": [{"id": pk, "text": name} for pk, _, name in khwaeng],
            }
        )

    def map_context(self) -> dict:
        """What the page's script needs: its endpoints and each district's centre."""
        return {
            "geojson": reverse("admin:complaints_complaint_geojson"),
            "locate": reverse("admin:complaints_complaint_locate"),
            "centre": BANGKOK_CENTRE,
            "districts": {
                str(pk): [float(lat), float(lng)] for pk, lat, lng in District.objects.values_list("pk", "lat", "lng")
            },
            "labels": {
                "outside": _("จุดนี้อยู่นอกเขตกรุงเทพมหานคร กรุณาเลือกจุดใหม่"),
                "khwaeng": _("แขวงในเขตนี้ (คลิกเพื่อเลือก):"),
                "khwaeng_of": _("แขวง"),
                "hint": _("คลิกบนแผนที่หรือลากหมุดเพื่อระบุจุดเกิดเหตุ ระบบจะเติมพิกัด เขตและแขวงให้"),
                "offline": _("ไม่มีอินเทอร์เน็ต: แสดงเฉพาะขอบเขตเขต"),
            },
        }


@cache_control(max_age=86400, private=True)
def _geojson_response(request):
    return HttpResponse(geo.geojson_text(), content_type="application/geo+json")
