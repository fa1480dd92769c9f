"""The demo data set: a few hundred realistic cases over the last twelve months, most of them recent.

Every case is played through the workflow with past timestamps (`at=`), so the
timeline, deadlines and derived statuses are exactly what the live system
would have produced. Agencies reachable over LINE acknowledge and resolve
clearly faster than those still coordinated by radio or phone — the reports
show that difference. Deterministic: one seeded random generator; only "now"
moves. Needs the reference data loaded first.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import random
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from agencies import geo
from agencies.models import Agency, Coordinator, District
from complaints import notify, rules, workflow
from complaints.errors import JustificationRequired, WorkflowError
from complaints.models import Assignment, Category, Complaint, Photo

from .demo_texts import (
    BLOCKED_COORDINATOR,
    COORDINATED,
    DETAILS,
    FIRST,
    GROUP_AGENCY,
    LANDMARKS,
    LAST,
    PROGRESS,
    REJECT_REASONS,
    RESULTS,
    ROADS,
)

SEED = 1555
COMPLAINTS = 320
FRESH = 10
DAYS = 90  # most cases are from the last three months (the live queues and the review queue)
YEAR_DAYS = 365  # and a thinner history back to a year, so the 12-month trends have no empty months
HISTORY_SHARE = 0.3


@dataclass
class Speed:
    """Minutes from one stage to the next, as (median, spread factor)."""

    ack: float
    ack_best: float  # a BEST case is called out at once, even over the radio
    safe: float
    resolve_best: float
    resolve_normal: float


# LINE puts the case in the crew's hand at once; radio and phone go through a relay.
LINE_SPEED = Speed(ack=7, ack_best=6, safe=50, resolve_best=6 * 60, resolve_normal=30 * 60)
RELAY_SPEED = Speed(ack=45, ack_best=22, safe=150, resolve_best=20 * 60, resolve_normal=80 * 60)
# Share of finished normal jobs with a result photo: in LINE the crew sends one from the site;
# over the radio a photo needs another trip (a BEST result always has one: the workflow asks).
PHOTO_SHARE = {"line": 0.9, "relay": 0.15}


def _jpeg(rng: random.Random, size=(160, 120)) -> bytes:
    image = Image.new("RGB", size, tuple(rng.randrange(60, 200) for _ in range(3)))
    draw = ImageDraw.Draw(image)
    for _ in range(6):
        x0, y0 = rng.randrange(size[0]), rng.randrange(size[1])
        box = (x0, y0, x0 + rng.randrange(10, 80), y0 + rng.randrange(10, 60))
        colour = tuple(rng.randrange(256) for _ in range(3))
        (draw.ellipse if rng.random() < 0.5 else draw.rectangle)(box, fill=colour)
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=70)
    return buf.getvalue()


class _Seeder:
    def __init__(self, stdout=None):
        self.rng = random.Random(SEED)
        self.stdout = stdout
        self.now = timezone.now().replace(second=0, microsecond=0)
        self.counts: dict[str, int] = {}

    def say(self, text: str) -> None:
        if self.stdout is not None:
            self.stdout.write(text)

    def bump(self, key: str) -> None:
        self.counts[key] = self.counts.get(key, 0) + 1

    def minutes(self, median: float) -> dt.timedelta:
        """A log-normal delay around `median` minutes (long right tail, like real work)."""
        return dt.timedelta(minutes=max(1.0, self.rng.lognormvariate(0, 0.6) * median))

    # --- people --------------------------------------------------------------------

    def staff(self) -> None:
        self.officers = []
        for username, first, last in (
            ("demo_centre_1", "จันทร์เพ็ญ", "เวรเช้า"),
            ("demo_centre_2", "กิตติ", "เวรบ่าย"),
            ("demo_centre_3", "ดารุณี", "เวรดึก"),
        ):
            user, created = User.objects.get_or_create(
                username=username, defaults={"first_name": first, "last_name": last}
            )
            if created:
                user.set_unusable_password()
                user.save(update_fields=["password"])
            self.officers.append(user)

    def coordinators(self) -> None:
        self.crew: dict[int, list[Coordinator]] = {}
        for code, people in COORDINATED:
            agency = Agency.objects.get(code=code)
            for name, position, bound in people:
                c, _ = Coordinator.objects.get_or_create(
                    agency=agency,
                    name=name,
                    defaults={
                        "position": position,
                        "phone": f"08{self.rng.randrange(10**7, 10**8)}",
                        "line_user_id": f"U{self.rng.getrandbits(128):032x}" if bound else None,
                        "line_display_name": name.split()[0] if bound else "",
                        "is_lead": people.index((name, position, bound)) == 0,
                        "line_unreachable_at": self.now - dt.timedelta(days=12)
                        if name == BLOCKED_COORDINATOR
                        else None,
                        "last_seen_at": self.now - dt.timedelta(hours=self.rng.randrange(1, 200)) if bound else None,
                    },
                )
                self.crew.setdefault(agency.pk, []).append(c)
        group = Agency.objects.get(code=GROUP_AGENCY)
        if not group.line_group_id:
            group.line_group_id = f"C{self.rng.getrandbits(128):032x}"
            group.line_group_name = "ทีมโยธา สนข.ปทุมวัน × 1555"
            group.save(update_fields=["line_group_id", "line_group_name"])
        self.reachable = {a.pk: notify.agency_is_reachable(a) for a in Agency.objects.all()}

    # --- cases ---------------------------------------------------------------------

    def pick_district(self) -> District:
        if self.rng.random() < 0.55:
            return self.rng.choice(self.busy_districts)
        return self.rng.choice(self.districts)

    def pick_category(self) -> Category:
        pool = self.best if self.rng.random() < 0.4 else self.normal
        return self.rng.choice(pool)

    def point_in(self, district: District) -> dict:
        """A point near the district's centre that is inside Bangkok (intake refuses others)."""
        for _ in range(20):
            lat = (district.lat + Decimal(self.rng.uniform(-0.012, 0.012))).quantize(Decimal("0.000001"))
            lng = (district.lng + Decimal(self.rng.uniform(-0.012, 0.012))).quantize(Decimal("0.000001"))
            if geo.district_code_at(float(lat), float(lng)) is not None:
                return {"lat": lat, "lng": lng}
        return {"lat": district.lat, "lng": district.lng}

    def receive(self, received_at: dt.datetime) -> Complaint:
        rng = self.rng
        category = self.pick_category()
        district = self.pick_district()
        sub = rng.choice(self.subdistricts.get(district.pk) or [None])
        road = rng.choice(ROADS)
        phone = (
            f"02{rng.randrange(10**6, 10**7)}"
            if rng.random() < 0.15
            else f"{rng.choice(['08', '09', '08'])}{rng.randrange(10**7, 10**8)}"
        )
        channel = rng.choices([c for c, _ in Complaint.Channel.choices], weights=[45, 15, 10, 20, 3, 4, 3])[0]
        # The complainant's contact choice, from a hash of the moment (not the generator, so the
        # rest of the data set stays as it was): LINE users of the OA are told by LINE; about
        # one in twelve asked not to be contacted (the demo's notice list shows both).
        digest = hashlib.sha256(f"{received_at.isoformat()}:{category.code}".encode()).hexdigest()
        line_user = "U" + digest[:32] if channel == Complaint.Channel.LINE else ""
        return workflow.receive(
            complainant_line_user_id=line_user,
            no_contact=int(digest[32:34], 16) < 22,
            category=category,
            description=DETAILS.get(category.code, category.name_th) + f" {rng.choice(LANDMARKS)}",
            channel=channel,
            by=rng.choice(self.officers),
            received_at=received_at,
            complainant_name="" if rng.random() < 0.1 else f"{rng.choice(FIRST)} {rng.choice(LAST)}",
            complainant_phone=phone,
            address=f"{road} ซอย {rng.randrange(1, 120)} {district.name_th}",
            landmark=rng.choice(LANDMARKS),
            district=district,
            subdistrict=sub,
            **self.point_in(district),
        )

    def channel_for(self, agency: Agency) -> str:
        if self.reachable.get(agency.pk):
            return Assignment.Channel.LINE
        return self.rng.choices(
            [Assignment.Channel.RADIO, Assignment.Channel.PHONE, Assignment.Channel.FAX], weights=[5, 4, 1]
        )[0]

    def actor_for(self, assignment: Assignment):
        crew = [c for c in self.crew.get(assignment.agency_id, []) if c.is_reachable]
        if assignment.channel == Assignment.Channel.LINE and crew:
            return self.rng.choice(crew)
        if assignment.channel == Assignment.Channel.LINE and assignment.agency.line_group_id:
            return self.crew.get(assignment.agency_id, [None])[0]
        return self.rng.choice(self.officers)  # the centre records what the radio/phone relay says

    def photo(self, complaint: Complaint, *, stage: str, at: dt.datetime, by, assignment=None, content=None):
        near = self.rng.random() < 0.85
        lat = complaint.lat + Decimal("0.0003") if near and complaint.lat is not None else None
        lng = complaint.lng if near else None
        photo = workflow.add_photo(
            complaint=complaint,
            content=content or _jpeg(self.rng),
            by=by,
            stage=stage,
            assignment=assignment,
            lat=lat,
            lng=lng,
            at=at,
        )
        self.bump("photos")
        return photo

    def work(self, a: Assignment, start: dt.datetime, *, stuck: str | None, before: bytes | None) -> dt.datetime | None:
        """Play the agency's side from dispatch; stop at `now` or where the case is stuck.
        Returns when the work was resolved (None if not yet)."""
        rng, now = self.rng, self.now
        speed = LINE_SPEED if a.channel == Assignment.Channel.LINE else RELAY_SPEED
        best = a.complaint.is_best
        by = self.actor_for(a)
        t = start + self.minutes(speed.ack_best if best else speed.ack)
        if stuck == "ack" or t > now:
            return None
        name = "" if hasattr(by, "agency") else f"{rng.choice(FIRST)} ({a.get_channel_display()})"
        workflow.acknowledge(assignment=a, by=by, name=name, at=t)
        if rng.random() < 0.5:
            t += self.minutes(speed.safe / 2)
            if t > now:
                return None
            workflow.report_progress(assignment=a, by=by, text=rng.choice(PROGRESS), at=t)
        if best:
            t += self.minutes(speed.safe)
            if t > now:
                return None
            workflow.mark_made_safe(assignment=a, by=by, note="ตั้งกรวยและป้ายเตือนแล้ว", at=t)
        t += self.minutes(speed.resolve_best if best else speed.resolve_normal)
        if stuck == "resolve" or t > now:
            return None
        line = a.channel == Assignment.Channel.LINE
        if best or rng.random() < PHOTO_SHARE["line" if line else "relay"]:
            reuse = before is not None and rng.random() < 0.08  # the fake-fix guard flags these
            self.photo(
                a.complaint, stage=Photo.Stage.AFTER, at=t, by=by, assignment=a, content=before if reuse else None
            )
            if line and rng.random() < 0.4:  # a second angle, as crews do in LINE
                self.photo(a.complaint, stage=Photo.Stage.AFTER, at=t, by=by, assignment=a)
        workflow.resolve(assignment=a, by=by, note=rng.choice(RESULTS), at=t)
        return t

    def play(self, received_at: dt.datetime, recent: list[Complaint]) -> None:
        rng, now = self.rng, self.now
        complaint = self.receive(received_at)
        officer = rng.choice(self.officers)
        before = None
        if rng.random() < 0.35:
            before = _jpeg(rng)
            self.photo(
                complaint, stage=Photo.Stage.BEFORE, at=received_at + dt.timedelta(minutes=1), by=None, content=before
            )
        fate = rng.random()
        age = now - received_at
        t = received_at + dt.timedelta(minutes=rng.randrange(2, 20))
        if (fate < 0.5 and age < dt.timedelta(hours=6)) or t > now:
            self.bump("not dispatched")
            return
        if fate < 0.07 and recent:
            original = rng.choice(recent)
            if original.status != Complaint.Status.DUPLICATE:
                workflow.mark_duplicate(complaint=complaint, of=original, by=officer, at=t)
                self.bump("duplicates")
                return
        agencies = workflow.suggested_agencies(complaint)
        if complaint.category.code == "LEANING_POLE_OR_BILLBOARD" and rng.random() < 0.6:
            agencies.append(self.agency("MEA"))
        assignments = []
        for agency in agencies:
            [a] = workflow.dispatch(
                complaint=complaint, agencies=[agency], by=officer, channel=self.channel_for(agency), at=t
            )
            assignments.append(a)
        if fate < 0.10:
            workflow.cancel(
                complaint=complaint, by=officer, reason="ผู้ร้องแจ้งยกเลิก ปัญหาคลี่คลายแล้ว", at=t + self.minutes(30)
            )
            self.bump("cancelled")
            return
        # Recent cases more often still open, and some are stuck past their deadlines.
        stuck = None
        if rng.random() < (0.5 if age < dt.timedelta(days=10) else 0.06):
            stuck = rng.choice(["ack", "resolve", "resolve"])
        done = []
        for a in assignments:
            if rng.random() < 0.07 and a.agency.kind == Agency.Kind.DISTRICT_OFFICE:
                t_rej = t + self.minutes(40)
                if t_rej < now:
                    by = self.actor_for(a)
                    workflow.reject(assignment=a, by=by, reason=rng.choice(REJECT_REASONS), at=t_rej)
                    self.bump("rejected and re-routed")
                    to = self.agency(rng.choice(["PWD", "MEA", "MWA"]))
                    try:
                        a = workflow.reroute(
                            assignment=a,
                            to_agency=to,
                            by=officer,
                            reason="ส่งต่อตามที่เขตแจ้ง",
                            channel=self.channel_for(to),
                            at=t_rej + self.minutes(15),
                        )
                    except WorkflowError:
                        continue
                    done.append(self.work(a, t_rej + dt.timedelta(minutes=20), stuck=stuck, before=before))
                    continue
            done.append(self.work(a, t, stuck=stuck, before=before))
        if not done or None in done:
            return
        t_verify = max(done) + self.minutes(120)
        if t_verify > now or (age < dt.timedelta(days=10) and rng.random() < 0.4):
            self.bump("waiting for verification")
            return
        if rng.random() < 0.04:
            # The centre refuses a doubtful result; the rework has not come back yet.
            for a in complaint.assignments.filter(status=Assignment.Status.RESOLVED):
                workflow.send_back(assignment=a, by=officer, reason="รูปผลไม่ชัดเจน ไม่เห็นจุดที่แก้ไข กรุณาถ่ายใหม่", at=t_verify)
            self.bump("sent back")
            return
        if rng.random() < 0.03 and complaint.is_best:
            # Made safe; the permanent fix waits for the budget (some plans are already late).
            planned_for = timezone.localdate(t_verify) + dt.timedelta(days=rng.choice([-5, -1, 14, 30]))
            planned_for = max(planned_for, timezone.localdate(t_verify))
            for a in complaint.assignments.filter(status=Assignment.Status.RESOLVED):
                workflow.plan_permanent_fix(
                    assignment=a,
                    by=officer,
                    planned_for=planned_for,
                    reason=rules.PlanReason.BUDGET,
                    note="ปิดกั้นและทำให้ปลอดภัยแล้ว ซ่อมผิวถนนถาวรเมื่อได้รับงบประมาณ",
                    at=t_verify,
                )
            self.bump("planned")
            return
        try:
            workflow.close(complaint=complaint, by=officer, note="โทรยืนยันกับผู้ร้องแล้ว", at=t_verify)
        except JustificationRequired:
            if rng.random() < 0.5:
                self.bump("flagged, waiting for review")
                return  # in the review queue, flagged
            for a in complaint.assignments.filter(status=Assignment.Status.RESOLVED):
                workflow.accept(
                    assignment=a,
                    by=officer,
                    justification="โทรสอบถามหน่วยงานและผู้ร้องแล้ว ยืนยันว่าแก้ไขจริง",
                    at=t_verify,
                )
            self.bump("accepted despite a flag")
        self.bump("closed")
        if rng.random() < 0.04:
            t_reopen = t_verify + dt.timedelta(days=rng.uniform(0.5, 3))
            if t_reopen < now:
                reopened = workflow.reopen(
                    complaint=complaint, by=officer, at=t_reopen, reason="ผู้ร้องแจ้งว่ายังไม่ได้แก้ไขจริง ขอให้ตรวจสอบอีกครั้ง"
                )
                self.bump("reopened")
                t_again = t_reopen + self.minutes(24 * 60)
                if t_again < now:
                    for a in reopened:
                        # The new round needs its own result photo (the refused ones do not count).
                        by = self.actor_for(a)
                        self.photo(complaint, stage=Photo.Stage.AFTER, at=t_again, by=by, assignment=a)
                        workflow.resolve(assignment=a, by=by, note="แก้ไขซ้ำเรียบร้อยแล้ว", at=t_again)
        recent.append(complaint)
        del recent[:-20]

    def agency(self, code: str) -> Agency:
        return self.agencies_by_code[code]

    def run(self) -> None:
        self.staff()
        self.coordinators()
        self.agencies_by_code = {a.code: a for a in Agency.objects.all()}
        self.districts = list(District.objects.all())
        busy = {code[2:] for code, _ in COORDINATED if code.startswith("DO")}
        self.busy_districts = [d for d in self.districts if d.code in busy]
        self.subdistricts: dict[int, list] = {}
        for d in self.districts:
            self.subdistricts[d.pk] = list(d.subdistricts.all())
        categories = list(Category.objects.filter(is_active=True).select_related("responsible_agency"))
        self.best = [c for c in categories if c.is_best]
        self.normal = [c for c in categories if not c.is_best and c.sla_resolve_hours]
        # Plus a handful from the last few hours, some still waiting for dispatch.
        history = round(COMPLAINTS * HISTORY_SHARE)
        minutes = [self.rng.randrange(5, DAYS * 24 * 60) for _ in range(COMPLAINTS - history)]
        minutes += [self.rng.randrange(DAYS * 24 * 60, YEAR_DAYS * 24 * 60) for _ in range(history)]
        times = sorted(
            [self.now - dt.timedelta(minutes=m) for m in minutes]
            + [self.now - dt.timedelta(minutes=self.rng.randrange(3, 240)) for _ in range(FRESH)]
        )
        recent: list[Complaint] = []
        for received_at in times:
            self.play(received_at, recent)
        self.counts["complaints"] = len(times)


def seed(stdout=None) -> None:
    seeder = _Seeder(stdout)
    # One transaction: fast on SQLite, and all or nothing. The history is replayed: channels
    # record its messages as delivered when they were decided, so the demo worker does not
    # push three months of old cards when it starts.
    with notify.replaying(), transaction.atomic():
        seeder.run()
    overdue = Assignment.objects.overdue(timezone.now(), "ack").count()
    summary = ", ".join(f"{k} {v}" for k, v in sorted(seeder.counts.items()))
    seeder.say(f"Demo data: {summary}; {overdue} assignments overdue to acknowledge.")
