"""An SMPP 3.4 client for an operator's short code, with smpplib.

Each message is sent on its own session: connect, bind (transmitter, or transceiver), one submit_sm per part,
unbind, disconnect. That keeps the sending a plain background task like the other gateways; an SMSC that
limits binds or sessions per second should be asked for the rate it allows. The text is split as
`smpplib.gsm.make_parts` does (GSM 03.38 default alphabet, data_coding 0; UCS-2, data_coding 8, when a
character is not in it); a long text goes in parts with a concatenation header (UDHI), cut between
characters, never inside an escaped GSM character or a UTF-16 surrogate pair. Only the last part asks for a
delivery receipt, and its message_id (from submit_sm_resp) is the message's id.

OPTIONS: HOST, PORT (default 2775), SYSTEM_ID, PASSWORD, SYSTEM_TYPE (default ""), BIND ("transmitter",
default, or "transceiver"), TIMEOUT (seconds to wait for the SMSC, default 10), TLS (true: TLS to the SMSC),
SOURCE_ADDR_TON/SOURCE_ADDR_NPI (default: 1/1 for "+223...", 5/0 for a sender name, 0/1 for a short code:
ask the operator), DEST_ADDR_TON/DEST_ADDR_NPI (default 1/1: international, E.164 without "+"),
REGISTERED_DELIVERY (default true). The gateway's SENDER is the short code (source_addr).

Outcomes: no connection, no answer within TIMEOUT, ESME_RTHROTTLED, ESME_RMSGQFUL, ESME_RSYSERR,
ESME_RBINDFAIL, ESME_RALYBND and ESME_RX_T_APPN are temporary; any other error status (ESME_RINVDSTADR,
ESME_RINVSRCADR, ESME_RINVPASWD, ESME_RINVSYSID, ESME_RSUBMITFAIL...) is permanent. A failure after some parts
were taken is reported as the failure; the SMSC may deliver those parts.

Delivery receipts and messages from phones come over SMPP as deliver_sm PDUs on a receiver or transceiver
session that must stay bound: the callbacks (`delivery_reports`, `inbound_messages`) are not used by this
gateway. `receive_receipts` is the loop a long-running management command (or service) runs for it; a
deliver_sm that arrives while a message is being sent is answered ESME_RX_T_APPN ("try later") so that the
SMSC keeps it for that receiver."""

import logging
import re
import secrets
import ssl
import threading
from collections.abc import Callable

import smpplib.client
import smpplib.consts as c
import smpplib.exceptions
import smpplib.gsm
import smpplib.smpp
from django.core.exceptions import ImproperlyConfigured

from hub.messaging.gateways.base import (
    DeliveryReport,
    Gateway,
    InboundSms,
    PermanentFailure,
    Sms,
    TemporaryFailure,
    get_gateway,
)
from hub.messaging.gateways.http import redact, timeout_of

logger = logging.getLogger(__name__)
DEFAULT_PORT = 2775
TEMPORARY_STATUSES = frozenset(
    {
        c.SMPP_ESME_RTHROTTLED,
        c.SMPP_ESME_RMSGQFUL,
        c.SMPP_ESME_RSYSERR,
        c.SMPP_ESME_RBINDFAIL,
        c.SMPP_ESME_RALYBND,
        c.SMPP_ESME_RX_T_APPN,
    }
)
STATUS_NAMES = {
    value: name.removeprefix("SMPP_")
    for name, value in vars(c).items()
    if name.startswith("SMPP_ESME_R") and isinstance(value, int)
}
RECEIPT_DELIVERED = {"DELIVRD"}
RECEIPT_FAILED = {"UNDELIV", "EXPIRED", "DELETED", "REJECTD"}
MESSAGE_STATES = {2: "DELIVRD", 3: "EXPIRED", 4: "DELETED", 5: "UNDELIV", 6: "ACCEPTD", 7: "UNKNOWN", 8: "REJECTD"}
_RECEIPT_TEXT = re.compile(rb"id:(?P<id>\S+).*?stat:(?P<stat>\w+)(?:.*?err:(?P<err>\w+))?", re.IGNORECASE | re.DOTALL)
_UDH_CONCAT = b"\x05\x00\x03"
DELIVERY_RECEIPT = 0x04
"""esm_class's message type of a deliver_sm that is an SMSC delivery receipt (SMPP 3.4, 5.2.12)."""


def _failure(status: int, what: str) -> Exception:
    name = STATUS_NAMES.get(status, f"0x{status:08X}")
    description = c.DESCRIPTIONS.get(status, "unknown status")
    text = f"The SMSC refused the {what}: {name} ({description})."
    return TemporaryFailure(text) if status in TEMPORARY_STATUSES else PermanentFailure(text)


def make_parts(text: str) -> tuple[list[bytes], int, int]:
    """(short messages, data_coding, esm_class) for `text`: smpplib's encoding choice and single message;
    a long text is cut between characters (smpplib cuts every 153 septets or 134 octets, which can split
    an escaped character such as € or a surrogate pair) with the same concatenation header."""
    parts, data_coding, esm_class = smpplib.gsm.make_parts(text)
    if len(parts) == 1:
        return parts, data_coding, esm_class
    if data_coding == c.SMPP_ENCODING_DEFAULT:
        encode, limit = smpplib.gsm.gsm_encode, c.SEVENBIT_PART_SIZE
    else:
        encode, limit = (lambda char: char.encode("utf-16-be")), c.UCS2_PART_SIZE
    chunks, current = [], b""
    for char in text:
        encoded = encode(char)
        if len(current) + len(encoded) > limit:
            chunks.append(current)
            current = b""
        current += encoded
    chunks.append(current)
    if len(chunks) > 255:
        raise PermanentFailure("The text is too long for an SMS (more than 255 parts).")
    reference = secrets.randbelow(256)
    header = _UDH_CONCAT + bytes([reference, len(chunks)])
    return [header + bytes([index]) + chunk for index, chunk in enumerate(chunks, start=1)], data_coding, esm_class


def parse_receipt(pdu) -> DeliveryReport | None:
    """A deliver_sm's delivery receipt as a report, from its receipted_message_id and message_state TLVs or
    its text ("id:... stat:DELIVRD err:000"); None for a status that is not final or a deliver_sm that is not
    a receipt. `ValueError` for a receipt without id or status."""
    if not (pdu.esm_class or 0) & DELIVERY_RECEIPT:
        return None
    gateway_id = getattr(pdu, "receipted_message_id", None)
    state = MESSAGE_STATES.get(getattr(pdu, "message_state", None) or 0)
    found = _RECEIPT_TEXT.search(pdu.short_message or b"")
    if found:
        gateway_id = gateway_id or found["id"]
        state = state or found["stat"].decode("ascii", "replace").upper()
    if isinstance(gateway_id, bytes):
        gateway_id = gateway_id.decode("ascii", "replace")
    if not gateway_id or not state:
        raise ValueError("A delivery receipt without message id or status.")
    if state in RECEIPT_DELIVERED:
        return DeliveryReport(gateway_id=gateway_id, delivered=True)
    if state in RECEIPT_FAILED:
        error = f"{state} err:{found['err'].decode('ascii', 'replace')}" if found and found["err"] else state
        return DeliveryReport(gateway_id=gateway_id, delivered=False, error=redact(error))
    return None


def parse_inbound(pdu) -> InboundSms:
    """A deliver_sm that is a message from a phone."""
    raw = pdu.short_message or b""
    if (pdu.esm_class or 0) & c.SMPP_GSMFEAT_UDHI and raw:
        raw = raw[raw[0] + 1 :]
    if pdu.data_coding == c.SMPP_ENCODING_ISO10646:
        text = raw.decode("utf-16-be", "replace")
    elif pdu.data_coding == c.SMPP_ENCODING_ISO88591:
        text = raw.decode("latin-1")
    else:
        table = smpplib.gsm.GSM_CHARACTER_TABLE
        chars, escaped = [], False
        for byte in raw:
            if byte == 0x1B:
                escaped = True
                continue
            index = byte + 0x80 if escaped else byte
            chars.append(table[index] if index < len(table) else "?")
            escaped = False
        text = "".join(chars)
    source = pdu.source_addr.decode("ascii", "replace") if isinstance(pdu.source_addr, bytes) else pdu.source_addr
    if pdu.source_addr_ton == c.SMPP_TON_INTL and not source.startswith("+"):
        source = "+" + source
    return InboundSms(sender=source, text=text)


class SmppGateway(Gateway):
    @property
    def port(self) -> int:
        return int(self.options.get("PORT", DEFAULT_PORT))

    def _source(self) -> tuple[int, int, str]:
        sender, options = self.sender, self.options
        if sender.startswith("+"):
            ton, npi, address = c.SMPP_TON_INTL, c.SMPP_NPI_ISDN, sender[1:]
        elif sender.isdigit():
            ton, npi, address = c.SMPP_TON_UNK, c.SMPP_NPI_ISDN, sender
        else:
            ton, npi, address = c.SMPP_TON_ALNUM, c.SMPP_NPI_UNK, sender[:11]
        return int(options.get("SOURCE_ADDR_TON", ton)), int(options.get("SOURCE_ADDR_NPI", npi)), address

    def connect(self, bind: str | None = None) -> smpplib.client.Client:
        """A client connected and bound ("transmitter", "transceiver" or "receiver"); the caller closes it."""
        options = self.options
        if not options.get("HOST") or not options.get("SYSTEM_ID"):
            raise ImproperlyConfigured(f"The SMS gateway {self.alias!r} needs OPTIONS.HOST and OPTIONS.SYSTEM_ID.")
        bind = bind or options.get("BIND", "transmitter")
        if bind not in ("transmitter", "transceiver", "receiver"):
            raise ImproperlyConfigured(f"The SMS gateway {self.alias!r}'s BIND must be transmitter or transceiver.")
        client = smpplib.client.Client(
            options["HOST"],
            self.port,
            timeout=timeout_of(options),
            logger_name=f"{__name__}.{self.alias}",
            ssl_context=ssl.create_default_context() if options.get("TLS") else None,
            allow_unknown_opt_params=True,
        )
        try:
            client.connect()
            getattr(client, f"bind_{bind}")(
                system_id=options["SYSTEM_ID"],
                password=options.get("PASSWORD", ""),
                system_type=options.get("SYSTEM_TYPE", ""),
            )
        except smpplib.exceptions.PDUError as error:
            close(client)
            status = error.args[1] if len(error.args) > 1 else c.SMPP_ESME_RBINDFAIL
            raise _failure(status, "bind") from error
        except (smpplib.exceptions.ConnectionError, OSError) as error:
            close(client)
            raise TemporaryFailure(
                f"The SMSC could not be reached or did not answer ({type(error).__name__})."
            ) from error
        return client

    def send(self, sms: Sms) -> str:
        options = self.options
        parts, data_coding, esm_class = make_parts(sms.body)
        source_ton, source_npi, source = self._source()
        client = self.connect()
        try:
            message_id = ""
            for number, part in enumerate(parts, start=1):
                last = number == len(parts)
                pdu = client.send_message(
                    source_addr_ton=source_ton,
                    source_addr_npi=source_npi,
                    source_addr=source,
                    dest_addr_ton=int(options.get("DEST_ADDR_TON", c.SMPP_TON_INTL)),
                    dest_addr_npi=int(options.get("DEST_ADDR_NPI", c.SMPP_NPI_ISDN)),
                    destination_addr=sms.to.lstrip("+"),
                    esm_class=esm_class,
                    data_coding=data_coding,
                    registered_delivery=int(last and options.get("REGISTERED_DELIVERY", True)),
                    short_message=part,
                )
                answer = self._answer_to(client, pdu.sequence)
                if answer.status != c.SMPP_ESME_ROK:
                    what = "message" if len(parts) == 1 else f"part {number} of {len(parts)}"
                    raise _failure(answer.status, what)
                message_id = (answer.message_id or b"").decode("ascii", "replace")
        except (smpplib.exceptions.ConnectionError, smpplib.exceptions.PDUError, OSError) as error:
            raise TemporaryFailure(f"The SMSC connection failed while sending ({type(error).__name__}).") from error
        finally:
            close(client)
        if not message_id:
            raise PermanentFailure(
                "The SMSC took the message without giving its id; check with the operator whether it went out "
                "before sending it again."
            )
        return message_id[:100]

    @staticmethod
    def _answer_to(client: smpplib.client.Client, sequence: int):
        """The SMSC's answer to the PDU numbered `sequence`, answering what comes in between."""
        while True:
            pdu = client.read_pdu()
            if pdu.command in ("submit_sm_resp", "generic_nack") and pdu.sequence == sequence:
                return pdu
            if pdu.command == "enquire_link":
                _answer(client, pdu, "enquire_link_resp")
            elif pdu.command == "deliver_sm":
                _answer(client, pdu, "deliver_sm_resp", c.SMPP_ESME_RX_T_APPN)
            elif pdu.command == "unbind":
                raise smpplib.exceptions.ConnectionError("The SMSC unbound.")


def _answer(client: smpplib.client.Client, pdu, command: str, status: int = c.SMPP_ESME_ROK) -> None:
    answer = smpplib.smpp.make_pdu(command, client=client, status=status)
    answer.sequence = pdu.sequence
    client.send_pdu(answer)


def close(client: smpplib.client.Client) -> None:
    """Unbind if bound, then disconnect, whatever the SMSC answers."""
    try:
        if client.state in (c.SMPP_CLIENT_STATE_BOUND_TX, c.SMPP_CLIENT_STATE_BOUND_RX, c.SMPP_CLIENT_STATE_BOUND_TRX):
            client.unbind()
    except (smpplib.exceptions.ConnectionError, smpplib.exceptions.PDUError, OSError):
        pass
    finally:
        client.disconnect()


def receive_receipts(
    alias: str,
    *,
    on_report: Callable[[DeliveryReport], object] | None = None,
    on_inbound: Callable[[InboundSms], object] | None = None,
    stop: threading.Event | None = None,
    bind: str = "receiver",
) -> None:
    """Stay bound to the SMSC of gateway `alias` and hand each delivery receipt to `on_report` (by default
    `services.record_delivery_reports`) and each message from a phone to `on_inbound` (by default
    `inbound.receive_sms`), until `stop` is set or the SMSC unbinds; meant for a management command run as
    a service, restarted by its supervisor. A deliver_sm is acknowledged only once it is handed over; one that
    fails to be is answered ESME_RX_T_APPN, and the SMSC sends it again."""
    gateway = get_gateway(alias)
    if not isinstance(gateway, SmppGateway):
        raise ImproperlyConfigured(f"The SMS gateway {alias!r} is not an SMPP gateway.")
    if on_report is None:
        from hub.messaging.services import record_delivery_reports

        def on_report(report):
            return record_delivery_reports(gateway=alias, reports=[report])

    if on_inbound is None:
        from hub.messaging.inbound import receive_sms

        def on_inbound(sms):
            return receive_sms(gateway=alias, sms=sms)

    stop = stop or threading.Event()
    client = gateway.connect(bind)
    try:
        while not stop.is_set():
            try:
                pdu = client.read_pdu()
            except TimeoutError:
                client.send_pdu(smpplib.smpp.make_pdu("enquire_link", client=client))
                continue
            if pdu.command == "deliver_sm":
                status = c.SMPP_ESME_ROK
                try:
                    report = parse_receipt(pdu)
                    if report is not None:
                        on_report(report)
                    elif not (pdu.esm_class or 0) & DELIVERY_RECEIPT:
                        on_inbound(parse_inbound(pdu))
                except ValueError:
                    logger.warning("Unreadable deliver_sm on SMPP gateway %s.", alias)
                    status = c.SMPP_ESME_RX_P_APPN
                except Exception:
                    logger.exception("A deliver_sm on SMPP gateway %s could not be recorded.", alias)
                    status = c.SMPP_ESME_RX_T_APPN
                _answer(client, pdu, "deliver_sm_resp", status)
            elif pdu.command == "enquire_link":
                _answer(client, pdu, "enquire_link_resp")
            elif pdu.command == "unbind":
                _answer(client, pdu, "unbind_resp")
                break
    finally:
        close(client)
