from __future__ import annotations

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Case, Exists, IntegerField, OuterRef, Value, When
from django.utils import timezone

from liaison.attachments import (
    DOCUMENTS,
    attachment_check,
    attachment_name,
    max_bytes,
    size_label,
)
from liaison.forms import (
    CadreLedgerForm,
    CheckboxList,
    GroupedModelMultipleChoiceField,
    ScopedModelForm,
    add_validation_error,
)
from liaison.models import Organization, Position, active_on_q
from liaison.permissions import VIEW, Role, grants_with
from research.models import ResearchReport, ResearchTopic, ResearchTrip
from research.services import TRIP_ATTACHMENT_TYPES

TEXTAREA = {"rows": 3}


def _linkable_topics(queryset):
    """Topics a record may link: not rejected, the newest years first."""
    return queryset.exclude(status=ResearchTopic.Status.REJECTED).order_by("-year", "title")


class TripForm(CadreLedgerForm):
    scoped_fields = {"topic": VIEW}

    places = GroupedModelMultipleChoiceField(
        queryset=Organization.objects.all(), label="调研地点", widget=CheckboxList,
        help_text="可多选", error_messages={"required": "至少选择一个调研地点"},
    )

    class Meta:
        model = ResearchTrip
        fields = ["cadre", "start_date", "end_date", "place_type", "title", "topic",
                  "findings", "problems", "actions"]
        widgets = {name: forms.Textarea(attrs=TEXTAREA)
                   for name in ("findings", "problems", "actions")}

    field_order = ["cadre", "start_date", "end_date", "places", "place_type", "title", "topic",
                   "findings", "problems", "actions"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["end_date"].required = False
        self.fields["end_date"].help_text = "不填表示当天结束；最长 31 天"
        self.fields["topic"].queryset = _linkable_topics(self.fields["topic"].queryset)
        self.fields["place_type"].label = "地点类型"
        places = self.fields["places"]
        cadre = self.selected_cadre()
        own_units = Position.objects.filter(active_on_q(timezone.localdate()),
                                            cadre=cadre, organization=OuterRef("pk"))
        # Research goes anywhere in the district: the places are not limited to the user's
        # scope (a 区直单位 cadre researches in communities); the own unit is offered first.
        places.queryset = Organization.objects.exclude(type=Organization.Type.DISTRICT).annotate(
            rank=Case(When(Exists(own_units), then=Value(0)), default=Value(1),
                      output_field=IntegerField())
        ).order_by("rank", "type", "code")
        places.group_of = lambda org: "本人所在单位" if org.rank == 0 else org.get_type_display()
        if self.instance.pk:
            self.initial["places"] = list(
                self.instance.trip_places.values_list("organization_id", flat=True))


class ReportForm(CadreLedgerForm):
    scoped_fields = {"topic": VIEW}

    class Meta:
        model = ResearchReport
        fields = ["cadre", "title", "topic", "submitted_on", "file"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].queryset = _linkable_topics(self.fields["topic"].queryset)
        self.fields["file"].help_text = (
            f"PDF 或 Word 文档（.pdf、.docx、.doc），不超过 {size_label(max_bytes())}")
        self.fields["file"].widget.attrs["accept"] = ".pdf,.docx,.doc"
        if not self.instance.pk:
            self.initial["submitted_on"] = self.initial.get("submitted_on") or timezone.localdate()

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if isinstance(upload, UploadedFile):
            content_type = attachment_check(upload, allowed=DOCUMENTS)
            upload.name = attachment_name(content_type)
        return upload


class TopicForm(ScopedModelForm):
    scoped_fields = {"organization": VIEW}  # the saved topic is checked against CHANGE scope

    class Meta:
        model = ResearchTopic
        fields = ["year", "title", "kind", "organization", "description"]
        widgets = {"description": forms.Textarea(attrs=TEXTAREA)}
        help_texts = {"kind": "区委常委重大调研课题由组织部审定后生效"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].label = "提出单位"
        if not self.instance.pk:
            self.initial["year"] = self.initial.get("year") or timezone.localdate().year
            grants = grants_with(self.user, Role.UNIT_ADMIN, Role.ORG_DEPT)
            if grants:
                self.initial["organization"] = self.initial.get("organization") or grants[0].org_id


class ReviewForm(forms.Form):
    """A decision and a comment; the choices and the service are the view's."""

    status = forms.ChoiceField(label="审阅结果", widget=forms.RadioSelect)
    comment = forms.CharField(label="意见", required=False,
                              widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}))

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = choices

    def add_validation_error(self, exc) -> None:
        add_validation_error(self, exc)


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label="上传附件",
        help_text=f"照片（JPEG、PNG）、PDF 或 Word 文档，不超过 {size_label(max_bytes())}",
        widget=forms.ClearableFileInput(attrs={
            "class": "form-control", "accept": ".jpg,.jpeg,.png,.pdf,.docx,.doc"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        attachment_check(upload, allowed=TRIP_ATTACHMENT_TYPES)
        return upload
