"""Service (送达) of the notices addressed to a party, and a party's consent to electronic service.

Every notice the organisation addresses to a party (which kinds, and to whom, the document
registry says: cases/documents/registry.py, `addressees`) is served and the service recorded:
how (ServiceMethod), on which day, who received it, and the proof — the signed 送达回证 (its
scan) for 直接送达 and 留置送达 (where the witnesses and circumstances are recorded too), the
postal item's number for 邮寄送达, the address used for 电子送达, which is allowed only with the
party's recorded consent to electronic service (ElectronicServiceConsent) for that address.

Both are recorded through the door as self-transitions of the case (record_service and
record_electronic_consent), so each is journalled and checked like every other change. The
service record's own work (the addressee, the scan told by its content, its SHA-256) is the
dispute service's (cases/disputes/service.py), which this transition names as its performer.
Records are immutable: a correction is a new record that supersedes the old; both are kept.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import transition

from cases.models.actors import person
from cases.models.audit import ImmutableError
from cases.models.bounds import BoundedFields
from cases.models.dispute.mediation import ConsentMethod
from cases.models.dispute.states import DisputeStatus, S, may_handle
from cases.models.documents import Document
from cases.models.encrypted import EncryptedCharField
from cases.models.history import HistoricalRecords
from cases.rules.calendar import day_label
from cases.rules.validators import (
    as_date,
    normalise_mobile,
    normalise_postal_number,
    validate_mobile,
    validate_postal_number,
)


class ServiceParty(models.TextChoices):
    WORKER = "worker", _("劳动者")
    EMPLOYER = "employer", _("用人单位")


class ServiceMethod(models.TextChoices):
    DIRECT = "direct", _("直接送达")
    LEFT = "left", _("留置送达")
    POSTAL = "postal", _("邮寄送达")
    ELECTRONIC = "electronic", _("电子送达")


# The methods proved by the signed 送达回证, whose scan is kept.
CERTIFICATE_METHODS = (ServiceMethod.DIRECT, ServiceMethod.LEFT)


class ScanKind(models.TextChoices):
    """What a scan is, told by its content (cases/platform/uploads.py), and the suffix it is stored under."""
    PDF = "pdf", "PDF"
    JPEG = "jpeg", "JPEG"
    PNG = "png", "PNG"

    @property
    def suffix(self) -> str:
        return ".jpg" if self is ScanKind.JPEG else f".{self.value}"


class ElectronicChannel(models.TextChoices):
    SMS = "sms", _("手机短信")
    EMAIL = "email", _("电子邮箱")


# A service can be recorded at any stage until the case is archived (archived cases are read-only).
SERVABLE_STATES = [status for status in DisputeStatus.values if status != S.ARCHIVED]


def party_name(case, party: str) -> str:
    """The addressee's name as the notice names it: the worker, or the employer."""
    return case.workers_label if party == ServiceParty.WORKER else case.employer.name


def normalise_address(channel: str, address: str) -> str:
    address = (address or "").strip()
    if channel == ElectronicChannel.SMS:
        return normalise_mobile(address)
    return address.lower() if channel == ElectronicChannel.EMAIL else address


class Immutable:
    """Recorded once and kept: never changed, never deleted (a correction is a new record)."""

    immutable_message = _("记录登记后不可修改或删除；如有错误，请登记更正记录，原记录仍予保留。")

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableError(str(self.immutable_message))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableError(str(self.immutable_message))


class ElectronicServiceConsent(Immutable, BoundedFields, models.Model):
    """A party's consent to be served electronically at one address (电子送达须经受送达人同意)."""

    case = models.ForeignKey("cases.DisputeCase", verbose_name=_("案件"), on_delete=models.CASCADE,
                             related_name="electronic_service_consents")
    party = models.CharField(_("当事人"), max_length=16, choices=ServiceParty.choices)
    channel = models.CharField(_("电子送达方式"), max_length=16, choices=ElectronicChannel.choices)
    # A phone or an email: encrypted at rest (cases/models/encrypted.py), compared in Python.
    address = EncryptedCharField(_("电子送达地址"), max_length=200,
                                 help_text=_("接收电子送达的手机号码或电子邮箱。"))
    method = models.CharField(_("表示同意的方式"), max_length=16, choices=ConsentMethod.choices)
    given_on = models.DateField(_("同意日期"))
    given_by = models.CharField(_("表示同意的人"), max_length=100,
                                help_text=_("劳动者本人，或用人单位的法定代表人、委托代理人的姓名和职务。"))
    note = models.TextField(_("备注"), blank=True)
    # None when the system recorded it (an import).
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("电子送达同意")
        verbose_name_plural = _("电子送达同意")
        ordering = ["case", "party", "given_on", "pk"]

    def __str__(self):
        return _("%(party)s于%(on)s同意以%(channel)s电子送达至%(address)s") % {
            "party": self.get_party_display(), "on": self.given_on, "channel": self.get_channel_display(),
            "address": self.address}

    def clean(self):
        errors = {}
        if self.channel == ElectronicChannel.SMS:
            try:
                validate_mobile(self.address)
            except ValidationError:
                errors["address"] = _("以手机短信送达的，电子送达地址须为11位手机号码，如13801234567。")
        elif self.channel == ElectronicChannel.EMAIL:
            try:
                validate_email(self.address)
            except ValidationError:
                errors["address"] = _("以电子邮箱送达的，电子送达地址须为有效的电子邮箱，如wang@example.com。")
        if self.given_on and self.given_on > timezone.localdate():
            errors["given_on"] = _("同意电子送达的日期不能晚于今天。")
        elif self.given_on and self.case_id and self.given_on < self.case.received_on:
            errors["given_on"] = _("同意电子送达的日期不能早于收到调解申请的日期（%(on)s）。") % {
                "on": day_label(self.case.received_on)}
        if errors:
            raise ValidationError(errors)


def electronic_consent(case, party: str, *, channel: str, address: str, on) -> "ElectronicServiceConsent | None":
    """The party's consent to electronic service at `address`, given on or before `on`."""
    wanted = normalise_address(channel, address)
    consents = case.electronic_service_consents.filter(party=party, channel=channel, given_on__lte=on)
    return next((c for c in consents.order_by("-given_on", "-pk") if normalise_address(channel, c.address) == wanted),
                None)


def service_scan_upload_to(record: "ServiceRecord", filename: str) -> str:
    """Stored under its fingerprint: the uploader's file name is kept in `scan_name` only."""
    return f"service/{record.scan_sha256[:2]}/{record.scan_sha256}{ScanKind(record.scan_kind).suffix}"


class ServiceRecord(Immutable, BoundedFields, models.Model):
    """The service of one notice on one party (送达记录)."""

    case = models.ForeignKey("cases.DisputeCase", verbose_name=_("案件"), on_delete=models.CASCADE,
                             related_name="service_records")
    document = models.ForeignKey(Document, verbose_name=_("送达的文书"), on_delete=models.PROTECT,
                                 related_name="service_records")
    party = models.CharField(_("受送达人"), max_length=16, choices=ServiceParty.choices)
    method = models.CharField(_("送达方式"), max_length=16, choices=ServiceMethod.choices)
    served_on = models.DateField(_("送达日期"))
    recipient = models.CharField(_("签收人"), max_length=100,
                                 help_text=_("签收文书的人（受送达人本人、同住成年家属、法定代表人、委托代理人等）；"
                                             "留置送达的，为拒收的人。"))
    # 留置送达: why and where it was left, and the witnesses (姓名、身份).
    circumstances = models.TextField(_("留置送达情况和见证人"), blank=True)
    postal_number = models.CharField(_("邮件号码"), max_length=32, blank=True)
    electronic_address = EncryptedCharField(_("电子送达地址"), max_length=200, blank=True)
    electronic_consent = models.ForeignKey(ElectronicServiceConsent, verbose_name=_("电子送达同意"), null=True,
                                           blank=True, on_delete=models.PROTECT, related_name="service_records")
    # The scan of the signed 送达回证 (直接送达, 留置送达), kept as it came with its fingerprint.
    scan = models.FileField(_("送达回证扫描件"), upload_to=service_scan_upload_to, max_length=255, blank=True)
    scan_name = models.CharField(_("原文件名"), max_length=255, blank=True)
    scan_sha256 = models.CharField(_("扫描件SHA-256"), max_length=64, blank=True)
    scan_size = models.PositiveIntegerField(_("扫描件大小（字节）"), null=True, blank=True)
    scan_kind = models.CharField(_("扫描件格式"), max_length=8, choices=ScanKind.choices, blank=True)
    supersedes = models.OneToOneField("self", verbose_name=_("更正的送达记录"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="superseded_by")
    correction_reason = models.TextField(_("更正理由"), blank=True)
    note = models.TextField(_("备注"), blank=True)
    # None when the system recorded it (an import).
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    history = HistoricalRecords()

    immutable_message = _("送达记录登记后不可修改或删除；如有错误，请登记更正记录，原记录仍予保留。")

    class Meta:
        verbose_name = _("送达记录")
        verbose_name_plural = _("送达记录")
        ordering = ["case", "document", "party", "recorded_at", "pk"]
        constraints = [
            # The first record of a notice's service on a party; later ones supersede it, one by one.
            models.UniqueConstraint(fields=["document", "party"], condition=models.Q(supersedes__isnull=True),
                                    name="one_first_service_per_document_party",
                                    violation_error_message=_("该文书对该当事人已登记送达；如有错误，请登记更正。")),
        ]

    def __str__(self):
        text = _("《%(title)s》%(method)s%(party)s（%(on)s，签收人%(recipient)s）") % {
            "title": self.document.title, "method": self.get_method_display(), "party": self.get_party_display(),
            "on": self.served_on, "recipient": self.recipient}
        if self.scan_sha256:
            text += _("；送达回证扫描件SHA-256 %(sha)s") % {"sha": self.scan_sha256}
        if self.postal_number:
            text += _("；邮件号码%(number)s") % {"number": self.postal_number}
        return text

    @property
    def is_current(self) -> bool:
        return not ServiceRecord.objects.filter(supersedes=self).exists()

    def clean(self):
        errors = {}
        self._check_date(errors)
        if self.document_id and self.case_id and (
                self.document.subject_type.model_class() is not type(self.case)
                or self.document.subject_id != str(self.case_id)):
            errors["document"] = _("送达的文书不属于本案。")
        self._check_proof(errors)
        if self.supersedes_id is not None:
            old = self.supersedes
            if (old.document_id, old.party) != (self.document_id, self.party):
                errors["supersedes"] = _("更正的送达记录须为同一文书、同一受送达人的记录。")
            if not (self.correction_reason or "").strip():
                errors["correction_reason"] = _("更正送达记录须写明更正理由（原记录哪里有误）。")
        if errors:
            raise ValidationError(errors)

    def _check_date(self, errors):
        if self.served_on is None:
            return
        if self.served_on > timezone.localdate():
            errors["served_on"] = _("送达日期不能晚于今天：请填写文书实际送达的日期。")
        elif self.document_id:
            made_on = timezone.localdate(self.document.created_at)
            if self.served_on < made_on:
                errors["served_on"] = _("送达日期不能早于文书制作的日期（%(on)s）：文书制作之前不能送达。") % {
                    "on": day_label(made_on)}

    def _check_proof(self, errors):
        method = self.method
        if method in CERTIFICATE_METHODS and not self.scan_sha256:
            errors["scan"] = (_("直接送达须上传受送达人签名的送达回证扫描件（PDF、JPEG或PNG）。") if method == ServiceMethod.DIRECT
                              else _("留置送达须上传送达人、见证人签名的送达回证扫描件（PDF、JPEG或PNG）。"))
        if method == ServiceMethod.LEFT and not (self.circumstances or "").strip():
            errors["circumstances"] = _("留置送达须写明受送达人拒收的情况、留置的地点，以及见证人的姓名和身份。")
        if method == ServiceMethod.POSTAL:
            try:
                validate_postal_number(self.postal_number)
            except ValidationError as error:
                errors["postal_number"] = error.messages
            else:
                self.postal_number = normalise_postal_number(self.postal_number)
        if method == ServiceMethod.ELECTRONIC:
            self._check_electronic(errors)

    def _check_electronic(self, errors):
        if not (self.electronic_address or "").strip():
            errors["electronic_address"] = _("电子送达须填写送达的手机号码或电子邮箱。")
            return
        consent = self.electronic_consent
        if consent is None or consent.case_id != self.case_id or consent.party != self.party:
            errors["method"] = _("%(party)s未同意电子送达：电子送达须经受送达人同意。请先登记其同意电子送达"
                                 "（方式、日期、地址），或选择直接送达、留置送达或邮寄送达。") % {
                "party": self.get_party_display()}
        elif normalise_address(consent.channel, consent.address) != normalise_address(
                consent.channel, self.electronic_address):
            errors["electronic_address"] = _("电子送达地址须为%(party)s同意电子送达时确认的地址（%(address)s）。") % {
                "party": self.get_party_display(), "address": consent.address}
        elif self.served_on and consent.given_on > self.served_on:
            errors["method"] = _("%(party)s于%(on)s才同意电子送达，此前不能电子送达。") % {
                "party": self.get_party_display(), "on": day_label(consent.given_on)}


def current_service(document, party: str) -> ServiceRecord | None:
    """The record of `document`'s service on `party` that counts: the one no correction superseded."""
    return (ServiceRecord.objects.filter(document=document, party=party, superseded_by__isnull=True)
            .select_related("recorded_by").first())


class ServiceTransitions(models.Model):
    """The transitions that record a notice's service and a party's consent to electronic service.
    Neither changes the case's status; both are offered on the case page's service panel, not
    among its generic actions (`own_form`)."""

    class Meta:
        abstract = True

    @transition(field="status", source=SERVABLE_STATES, target=None, permission=may_handle,
                custom={"label": _("登记送达"), "own_form": True, "performed_by": "service.record",
                        "effects": ["service.start_clocks"]})
    def record_service(self, *, by, reason="", **data):
        """The record is made by the performer `service.record` (cases/disputes/service.py): it
        knows each notice's addressees and checks the scan by its content."""

    @transition(field="status", source=SERVABLE_STATES, target=None, permission=may_handle,
                custom={"label": _("登记电子送达同意"), "own_form": True})
    def record_electronic_consent(self, *, by, reason="", party="", channel="", address="", consent_method="",
                                  given_on=None, given_by="", note="", **data):
        # "consent_method", not "method": django-fsm's wrapper takes a positional argument of that name.
        errors = {}
        if party not in ServiceParty.values:
            errors["party"] = _("请选择同意电子送达的当事人（劳动者或用人单位）。")
        if channel not in ElectronicChannel.values:
            errors["channel"] = _("请选择电子送达方式（手机短信或电子邮箱）。")
        if consent_method not in ConsentMethod.values:
            errors["consent_method"] = _("请选择当事人表示同意的方式（书面、口头记入笔录、电话或电子方式）。")
        if not (given_by or "").strip():
            errors["given_by"] = _("请填写表示同意的人（劳动者本人，或用人单位的法定代表人、委托代理人）。")
        if not (address or "").strip():
            errors["address"] = _("请填写接收电子送达的手机号码或电子邮箱。")
        try:
            given_on = as_date(given_on, "given_on")
        except ValidationError as error:
            errors.update(error.message_dict)
        if errors:
            raise ValidationError(errors)
        consent = ElectronicServiceConsent(
            case=self, party=party, channel=channel, address=normalise_address(channel, address),
            method=consent_method, given_on=given_on, given_by=given_by.strip(), note=(note or "").strip(),
            recorded_by=person(by),
        )
        consent.full_clean()
        consent.save()
        return consent
