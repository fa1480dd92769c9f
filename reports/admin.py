"""Supervisors create a survey round and send it to the coordinators over LINE."""

from django.contrib import admin, messages
from django.db.models import Avg, Count, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import Survey, SurveyResponse
from .survey import SurveyError, send_survey


class SurveyResponseInline(admin.TabularInline):
    model = SurveyResponse
    extra = 0
    can_delete = False
    fields = ("coordinator", "asked_at", "score", "comment", "answered_at")
    readonly_fields = fields
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ("__str__", "question", "sent_at", "asked", "answered", "average")
    readonly_fields = ("sent_at", "sent_by", "created_at")
    fields = ("month", "question", "note", "created_at", "sent_at", "sent_by")
    inlines = [SurveyResponseInline]
    actions = ["send_over_line"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                _asked=Count("responses"),
                _answered=Count("responses", filter=Q(responses__score__isnull=False)),
                _avg=Avg("responses__score"),
            )
        )

    @admin.display(description=_("ส่งถึง"), ordering="_asked")
    def asked(self, obj):
        return obj._asked

    @admin.display(description=_("ตอบแล้ว"), ordering="_answered")
    def answered(self, obj):
        return obj._answered

    @admin.display(description=_("คะแนนเฉลี่ย"), ordering="_avg")
    def average(self, obj):
        return f"{obj._avg:.2f}" if obj._avg is not None else "–"

    def has_send_permission(self, request):
        return request.user.has_perm("reports.send_survey")

    @admin.action(description=_("ส่งแบบสอบถามให้ผู้ประสานงานทาง LINE"), permissions=["send"])
    def send_over_line(self, request, queryset):
        for survey in queryset:
            try:
                n = send_survey(survey=survey, by=request.user)
            except SurveyError as exc:
                self.message_user(request, f"{survey}: {exc.message}", messages.WARNING)
            else:
                text = gettext("%(survey)s: ส่งถึงผู้ประสานงาน %(n)s คนแล้ว") % {"survey": survey, "n": n}
                self.message_user(request, text, messages.SUCCESS)
