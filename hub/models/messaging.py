"""Messages to and from people by text message and e-mail (`hub.messaging`): each outgoing message is a
record sent by a background task and followed to its delivery; each text message received is kept with
what became of it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hub.models.enterprises import Enterprise
from hub.models.hubs import Hub


class OutgoingMessage(models.Model):
    """One e-mail or text message to one address, from its queuing to its delivery or final failure. The
    task that sends it takes it only while it is queued, so a task run twice never sends it twice."""

    class Channel(models.TextChoices):
        SMS = "sms", _("Text message")
        EMAIL = "email", _("E-mail")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Being sent")
        SENT = "sent", pgettext_lazy("message status", "Sent")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    hub = models.ForeignKey(Hub, on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("hub"))
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="outgoing_messages",
        verbose_name=_("case"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recipient's account"),
    )
    recipient_name = models.CharField(_("recipient"), max_length=200, blank=True)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    to = models.CharField(_("address"), max_length=254, help_text=_("The phone number in E.164 form, or the e-mail."))
    template = models.CharField(_("message"), max_length=80)
    language = models.CharField(_("language"), max_length=10)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    body = models.TextField(_("text"))
    essential = models.BooleanField(
        _("essential"),
        default=True,
        help_text=_("Sent even to a number that answered STOP (a code, a password reset)."),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    parts = models.PositiveSmallIntegerField(_("parts"), default=1, help_text=_("Text messages the gateway bills."))
    gateway = models.CharField(_("gateway"), max_length=40, blank=True)
    gateway_id = models.CharField(_("gateway's id"), max_length=100, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    attempted_at = models.DateTimeField(_("last attempt at"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    resent_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="resends", verbose_name=_("resent from")
    )

    class Meta:
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outgoing messages")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["hub", "status", "-created_at"], name="outgoing_hub_status"),
            models.Index(fields=["gateway", "gateway_id"], name="outgoing_gateway_id"),
            models.Index(fields=["to", "-created_at"], name="outgoing_to"),
        ]

    def __str__(self):
        return f"{self.get_channel_display()} {self.template} #{self.pk}"


class InboundMessage(models.Model):
    """A text message received from a phone, and what it became."""

    class Outcome(models.TextChoices):
        NOTE = "note", _("Message on a case")
        RATING = "rating", _("Rating")
        OPT_OUT = "opt_out", _("Stop")
        TRIAGE = "triage", _("To read")
        READ = "read", _("Read")

    hub = models.ForeignKey(Hub, on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("hub"))
    gateway = models.CharField(_("gateway"), max_length=40)
    gateway_id = models.CharField(_("gateway's id"), max_length=100, blank=True)
    sender = models.CharField(_("from"), max_length=32)
    text = models.TextField(_("text"))
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("enterprise")
    )
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inbound_messages",
        verbose_name=_("case"),
    )
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.TRIAGE)
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("read by"),
    )

    class Meta:
        verbose_name = _("text message received")
        verbose_name_plural = _("text messages received")
        ordering = ["-received_at", "-pk"]
        indexes = [models.Index(fields=["hub", "outcome", "-received_at"], name="inbound_hub_outcome")]
        constraints = [
            models.UniqueConstraint(
                fields=["gateway", "gateway_id"],
                condition=~models.Q(gateway_id=""),
                name="inbound_once_per_gateway_id",
            )
        ]

    def __str__(self):
        return f"SMS #{self.pk}"


class SmsOptOut(models.Model):
    """A phone number that answered STOP: it gets only essential text messages until it answers START."""

    phone = models.CharField(_("phone"), max_length=32, unique=True)
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        verbose_name = _("number that answered STOP")
        verbose_name_plural = _("numbers that answered STOP")

    def __str__(self):
        return self.phone
