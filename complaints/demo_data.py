"""The demo data set (replaced by the full generator in the console work)."""

from agencies.models import District
from complaints import workflow
from complaints.models import Category


def seed(stdout=None) -> None:
    category = Category.objects.get(code="DRAIN_COVER_DAMAGED_MISSING")
    for district in District.objects.all()[:5]:
        workflow.receive(category=category, district=district, description="ฝาท่อระบายน้ำหาย", address="ปากซอย")
