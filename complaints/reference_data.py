"""Complaint categories and their SLA proposals (`agencies/reference/best_categories.csv`),
and `load_all`, which loads the whole reference set: geography and agencies first (the
agencies app), then categories, which name agencies."""

from __future__ import annotations

from django.db import transaction

from agencies.models import Agency
from agencies.reference_data import int_or_none, load_agencies, load_geography, rows

from .models import Category


@transaction.atomic
def load_categories(*, overwrite_sla: bool = False) -> None:
    agencies = {a.code: a for a in Agency.objects.exclude(kind=Agency.Kind.DISTRICT_OFFICE)}
    for row in rows("best_categories.csv"):
        is_best = row["is_best"] == "true"
        defaults = {
            "name_th": row["name_th"],
            "name_en": row["name_en"],
            "is_best": is_best,
            "priority": row["priority"],
            "responsible_is_district_office": row["default_responsible"] == "DO",
            "responsible_agency": agencies.get(row["default_responsible"]),
            "responsible_unit_th": row["default_unit_th"],
            "escalate_to_district_office": "DO" in row["escalate_to"].split(";"),
            "traffy_type": row["traffy_type"],
            "advice_th": row.get("advice_th", ""),
            "advice_en": row.get("advice_en", ""),
        }
        sla = {
            "sla_ack_minutes": int_or_none(row["sla_ack_minutes"]) or 60,
            "sla_make_safe_hours": int_or_none(row["sla_make_safe_hours"]) if is_best else None,
            "sla_resolve_hours": int_or_none(row["sla_resolve_hours"]),
            # the fake-fix guard's "too fast" (0 = not checked); supervisors edit it like the SLA
            "min_work_minutes": int_or_none(row.get("min_work_minutes", "")) or 0,
            # how far the add form looks for the same problem already recorded (flooding: 300 m)
            "duplicate_radius_m": int_or_none(row.get("duplicate_radius_m", "")) or 100,
        }
        category, created = Category.objects.get_or_create(code=row["code"], defaults={**defaults, **sla})
        if not created:
            for field, value in {**defaults, **(sla if overwrite_sla else {})}.items():
                setattr(category, field, value)
            category.save()
        category.escalation_agencies.set(
            [agencies[c] for c in row["escalate_to"].split(";") if c and c != "DO" and c in agencies]
        )


def load_all(*, overwrite_sla: bool = False) -> None:
    load_geography()
    load_agencies()
    load_categories(overwrite_sla=overwrite_sla)
