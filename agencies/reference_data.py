"""Load the reference data: zones, districts, khwaeng, agencies and categories.

Idempotent: every row is matched on its code and updated in place, so loading
twice gives the same rows. Supervisors' later edits of SLA values are kept
unless `overwrite_sla=True`.
"""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import geothai
from django.db import transaction

from .models import Agency, District, Subdistrict, Zone

DATA = Path(__file__).resolve().parent / "reference"
BANGKOK_PROVINCE = "10"


def rows(name: str) -> list[dict[str, str]]:
    with open(DATA / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def int_or_none(value: str) -> int | None:
    value = (value or "").strip()
    return int(float(value)) if value else None


@transaction.atomic
def load_geography() -> None:
    zone_by_name = {}
    for row in rows("bkk_zones.csv"):
        zone, _ = Zone.objects.update_or_create(
            code=row["zone_code"], defaults={"name_th": row["name_th"], "name_en": row["name_en_bma_gis"]}
        )
        zone_by_name[row["name_th"]] = zone
    located = {row["code"]: row for row in rows("bkk_districts.csv")}
    for d in geothai.districts(BANGKOK_PROVINCE):
        extra = located[d.code]
        district, _ = District.objects.update_or_create(
            code=d.code,
            defaults={
                "name_th": d.name_th,
                "name_en": d.name_en,
                "zone": zone_by_name[extra["zone"]],
                "lat": Decimal(extra["lat"]),
                "lng": Decimal(extra["lng"]),
            },
        )
        for s in geothai.subdistricts(d.code):
            Subdistrict.objects.update_or_create(
                code=s.code,
                defaults={
                    "district": district,
                    "name_th": s.name_th,
                    "name_en": s.name_en,
                    "postal_codes": ",".join(s.postal_codes),
                },
            )


@transaction.atomic
def load_agencies() -> None:
    departments = rows("bma_departments.csv")
    # The "DO" row stands for the 50 district offices: its duties are each office's.
    office = next(row for row in departments if row["code"] == "DO")
    for district in District.objects.all():
        bare = district.name_th.removeprefix("เขต")
        Agency.objects.update_or_create(
            code=f"DO{district.code}",
            defaults={
                "kind": Agency.Kind.DISTRICT_OFFICE,
                "name_th": f"สำนักงานเขต{bare}",
                "name_en": f"{district.name_en} District Office",
                "abbr_th": f"สนข.{bare}",
                "district": district,
                "handles_th": office["handles_th"],
                "handles_en": office["handles"],
            },
        )
    for row in departments:
        if row["code"] == "DO":
            continue  # stands for the 50 district offices above
        kind = (
            Agency.Kind.CENTRE
            if row["code"] == "C1555"
            else Agency.Kind.EXTERNAL
            if row["is_external"] == "true"
            else Agency.Kind.DEPARTMENT
        )
        Agency.objects.update_or_create(
            code=row["code"],
            defaults={
                "kind": kind,
                "name_th": row["name_th"],
                "name_en": row["name_en"],
                "abbr_th": row["abbr_th"],
                "handles_th": row["handles_th"],
                "handles_en": row["handles"],
                "hotline": row["hotline"],
            },
        )
