"""The SMPP gateway against a minimal local SMSC on a socket: it reads the PDUs byte by byte as SMPP 3.4
defines them (not with smpplib), answers bind, submit_sm and unbind, and can refuse, stay silent, or send an
enquire_link or a deliver_sm before its answer."""

import contextlib
import re
import socket
import struct
import threading
import time
from dataclasses import dataclass, field

import pytest
import smpplib.consts as c
import smpplib.smpp

from hub.messaging.gateways.base import DeliveryReport, PermanentFailure, Sms, TemporaryFailure
from hub.messaging.gateways.smpp import SmppGateway, make_parts, parse_inbound, parse_receipt, receive_receipts

BIND_RECEIVER, BIND_TRANSMITTER, BIND_TRANSCEIVER, SUBMIT_SM, UNBIND = 0x01, 0x02, 0x09, 0x04, 0x06
ENQUIRE_LINK, DELIVER_SM, RESPONSE = 0x15, 0x05, 0x80000000
SMS = Sms(to="+22376123456", body="Votre visite est prévue demain à 9 h.", sender="36123")


def cstrings(body: bytes, count: int, pos: int = 0) -> tuple[list[bytes], int]:
    values = []
    for _ in range(count):
        end = body.index(b"\0", pos)
        values.append(body[pos:end])
        pos = end + 1
    return values, pos


def parse_submit(body: bytes) -> dict:
    (service_type,), pos = cstrings(body, 1)
    source_ton, source_npi = body[pos], body[pos + 1]
    (source,), pos = cstrings(body, 1, pos + 2)
    dest_ton, dest_npi = body[pos], body[pos + 1]
    (destination,), pos = cstrings(body, 1, pos + 2)
    esm_class, _protocol_id, _priority = body[pos : pos + 3]
    _times, pos = cstrings(body, 2, pos + 3)
    registered_delivery, _replace, data_coding, _default_id, length = body[pos : pos + 5]
    return {
        "service_type": service_type,
        "source": (source_ton, source_npi, source),
        "destination": (dest_ton, dest_npi, destination),
        "esm_class": esm_class,
        "registered_delivery": registered_delivery,
        "data_coding": data_coding,
        "short_message": body[pos + 5 : pos + 5 + length],
    }


@dataclass
class FakeSmsc:
    """An SMSC on 127.0.0.1: `submit_status(n)` is the status of the n-th submit_sm (from 1)."""

    system_id: bytes = b"hubiit"
    password: bytes = b"s3cret"
    bind_status: int = 0
    submit_status: object = staticmethod(lambda n: 0)
    silent: bool = False
    before_answer: bytes = b""
    push: bytes = b""
    """PDUs sent after a bind, followed by an unbind: what an SMSC sends a receiver."""
    binds: list = field(default_factory=list)
    submits: list = field(default_factory=list)
    unbinds: int = 0
    others: list = field(default_factory=list)

    def start(self):
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen()
        self.server.settimeout(0.05)
        self.port = self.server.getsockname()[1]
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()
        return self

    def stop(self):
        self.stopped.set()
        self.thread.join(timeout=2)
        self.server.close()

    def _serve(self):
        while not self.stopped.is_set():
            try:
                connection, _ = self.server.accept()
            except TimeoutError:
                continue
            with connection:
                connection.settimeout(2)
                with contextlib.suppress(OSError, ValueError):
                    self._session(connection)

    @staticmethod
    def _read(connection, size):
        data = b""
        while len(data) < size:
            chunk = connection.recv(size - len(data))
            if not chunk:
                raise ValueError("closed")
            data += chunk
        return data

    @staticmethod
    def pdu(command: int, status: int, sequence: int, body: bytes = b"") -> bytes:
        return struct.pack(">LLLL", 16 + len(body), command, status, sequence) + body

    def _session(self, connection):
        while True:
            length, command, _status, sequence = struct.unpack(">LLLL", self._read(connection, 16))
            body = self._read(connection, length - 16)
            if command in (BIND_RECEIVER, BIND_TRANSMITTER, BIND_TRANSCEIVER):
                (system_id, password, system_type), pos = cstrings(body, 3)
                self.binds.append((command, system_id, password, system_type, body[pos]))
                status = self.bind_status
                if not status and (system_id, password) != (self.system_id, self.password):
                    status = c.SMPP_ESME_RINVPASWD
                connection.sendall(self.pdu(command | RESPONSE, status, sequence, b"FAKESMSC\0"))
                if self.push and not status:
                    connection.sendall(self.push + self.pdu(UNBIND, 0, 999))
            elif command == SUBMIT_SM:
                self.submits.append(parse_submit(body))
                if self.silent:
                    continue
                if self.before_answer:
                    connection.sendall(self.before_answer)
                status = self.submit_status(len(self.submits))
                message_id = f"{0x1A2B0 + len(self.submits):X}".encode() if not status else b""
                connection.sendall(self.pdu(SUBMIT_SM | RESPONSE, status, sequence, message_id + b"\0"))
            elif command == UNBIND:
                self.unbinds += 1
                connection.sendall(self.pdu(UNBIND | RESPONSE, 0, sequence))
                return
            else:
                self.others.append((command, _status, sequence))


@pytest.fixture
def smsc():
    fake = FakeSmsc().start()
    yield fake
    fake.stop()


def gateway(smsc, **options) -> SmppGateway:
    options = {
        "HOST": "127.0.0.1",
        "PORT": smsc.port,
        "SYSTEM_ID": "hubiit",
        "PASSWORD": "s3cret",
        "TIMEOUT": 1,
        **options,
    }
    return SmppGateway(alias="orange-sc", config={"SENDER": "36123", "OPTIONS": options})


def wait_for(condition):
    deadline = time.monotonic() + 1
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.01)


def test_a_message_is_bound_submitted_and_unbound(smsc):
    assert gateway(smsc).send(SMS) == "1A2B1"

    wait_for(lambda: smsc.unbinds)
    assert smsc.binds == [(BIND_TRANSMITTER, b"hubiit", b"s3cret", b"", 0x34)]
    [submit] = smsc.submits
    assert submit["destination"] == (c.SMPP_TON_INTL, c.SMPP_NPI_ISDN, b"22376123456")
    assert submit["source"] == (c.SMPP_TON_UNK, c.SMPP_NPI_ISDN, b"36123")
    assert submit["data_coding"] == c.SMPP_ENCODING_DEFAULT
    assert submit["esm_class"] == 0
    assert submit["registered_delivery"] == 1
    assert submit["short_message"] == smpplib.gsm.gsm_encode(SMS.body)
    assert smsc.unbinds == 1


def test_a_transceiver_bind_and_a_sender_name(smsc):
    sent = SmppGateway(
        alias="x", config={"SENDER": "HUBIIT", "OPTIONS": {**gateway(smsc).options, "BIND": "transceiver"}}
    ).send(SMS)
    assert sent
    assert smsc.binds[0][0] == BIND_TRANSCEIVER
    assert smsc.submits[0]["source"] == (c.SMPP_TON_ALNUM, c.SMPP_NPI_UNK, b"HUBIIT")


def test_a_text_outside_gsm_is_sent_in_ucs2(smsc):
    gateway(smsc).send(Sms(to="+22376123456", body="Où êtes-vous ? Ça va", sender="36123"))
    [submit] = smsc.submits
    assert submit["data_coding"] == c.SMPP_ENCODING_ISO10646
    assert submit["short_message"].decode("utf-16-be") == "Où êtes-vous ? Ça va"


def test_a_long_text_goes_in_parts_that_never_cut_a_character(smsc):
    text = "a" * 152 + "€" + "b" * 160  # smpplib alone would cut the € (ESC + e) between parts 1 and 2
    assert gateway(smsc).send(Sms(to="+22376123456", body=text, sender="36123")) == "1A2B3"

    parts = smsc.submits
    assert len(parts) == 3
    headers = [part["short_message"][:6] for part in parts]
    assert {header[:4] for header in headers} == {headers[0][:4]}  # one reference
    assert [(header[4], header[5]) for header in headers] == [(3, 1), (3, 2), (3, 3)]
    assert all(part["esm_class"] == c.SMPP_GSMFEAT_UDHI for part in parts)
    assert [part["registered_delivery"] for part in parts] == [0, 0, 1]
    payloads = [part["short_message"][6:] for part in parts]
    assert not any(payload.endswith(b"\x1b") for payload in payloads)
    assert all(len(payload) <= 153 for payload in payloads)
    assert b"".join(payloads) == smpplib.gsm.gsm_encode(text)


def test_make_parts_keeps_utf16_surrogate_pairs_whole():
    text = "é" * 66 + "😀" + "ê" * 80
    parts, data_coding, _ = make_parts(text)
    assert data_coding == c.SMPP_ENCODING_ISO10646
    assert "".join(part[6:].decode("utf-16-be") for part in parts) == text


@pytest.mark.parametrize("status", [c.SMPP_ESME_RTHROTTLED, c.SMPP_ESME_RMSGQFUL, c.SMPP_ESME_RSYSERR])
def test_throttling_and_a_full_queue_are_temporary(smsc, status):
    smsc.submit_status = lambda n: status
    with pytest.raises(TemporaryFailure, match=re.escape(smpplib.consts.DESCRIPTIONS[status])):
        gateway(smsc).send(SMS)
    wait_for(lambda: smsc.unbinds)
    assert smsc.unbinds == 1


@pytest.mark.parametrize("status", [c.SMPP_ESME_RINVDSTADR, c.SMPP_ESME_RSUBMITFAIL, c.SMPP_ESME_RINVSRCADR])
def test_an_invalid_address_is_permanent_and_names_no_number(smsc, status):
    smsc.submit_status = lambda n: status
    with pytest.raises(PermanentFailure, match="The SMSC refused the message: ESME_R") as refused:
        gateway(smsc).send(SMS)
    assert "76123456" not in str(refused.value)


def test_a_part_refused_names_the_part(smsc):
    smsc.submit_status = lambda n: c.SMPP_ESME_RTHROTTLED if n == 2 else 0
    with pytest.raises(TemporaryFailure, match="part 2 of 2: ESME_RTHROTTLED"):
        gateway(smsc).send(Sms(to="+22376123456", body="x" * 200, sender="36123"))


def test_a_wrong_password_is_permanent(smsc):
    with pytest.raises(PermanentFailure, match="bind: ESME_RINVPASWD"):
        gateway(smsc, PASSWORD="guess").send(SMS)
    assert smsc.submits == []


def test_a_bind_failure_is_temporary(smsc):
    smsc.bind_status = c.SMPP_ESME_RBINDFAIL
    with pytest.raises(TemporaryFailure, match="bind: ESME_RBINDFAIL"):
        gateway(smsc).send(SMS)


def test_no_smsc_is_temporary():
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    closed = SmppGateway(alias="x", config={"OPTIONS": {"HOST": "127.0.0.1", "PORT": port, "SYSTEM_ID": "h"}})
    with pytest.raises(TemporaryFailure, match="could not be reached"):
        closed.send(SMS)


def test_no_answer_to_submit_sm_is_temporary(smsc):
    smsc.silent = True
    started = time.monotonic()
    with pytest.raises(TemporaryFailure, match="TimeoutError"):
        gateway(smsc, TIMEOUT=0.2).send(SMS)
    assert time.monotonic() - started < 1


def test_an_enquire_link_and_a_deliver_sm_while_waiting_are_answered(smsc):
    receipt = b"\0" + b"\x01\x01" + b"22376123456\0" + b"\x00\x00" + b"36123\0" + b"\x04\x00\x00\0\0\x00\x00\x00\x00"
    receipt += bytes([len(b"id:1 stat:DELIVRD")]) + b"id:1 stat:DELIVRD"
    smsc.before_answer = FakeSmsc.pdu(ENQUIRE_LINK, 0, 900) + FakeSmsc.pdu(DELIVER_SM, 0, 901, receipt)
    assert gateway(smsc, BIND="transceiver").send(SMS) == "1A2B1"
    wait_for(lambda: smsc.unbinds)
    assert (ENQUIRE_LINK | RESPONSE, 0, 900) in smsc.others
    assert (DELIVER_SM | RESPONSE, c.SMPP_ESME_RX_T_APPN, 901) in smsc.others  # kept by the SMSC for later


class Numbering:
    sequence = 1

    def next_sequence(self):
        return 1


def deliver_sm(short_message: bytes, esm_class: int = 0x04, **fields):
    """A deliver_sm as the SMSC sends it, read back as the gateway reads it."""
    pdu = smpplib.smpp.make_pdu(
        "deliver_sm",
        client=Numbering(),
        source_addr_ton=1,
        source_addr="22376123456",
        destination_addr="36123",
        esm_class=esm_class,
        short_message=short_message,
        **fields,
    )
    return smpplib.smpp.parse_pdu(pdu.generate(), client=Numbering(), allow_unknown_opt_params=True)


class TestReceipts:
    def test_a_delivered_receipt(self):
        text = b"id:1A2B1 sub:001 dlvrd:001 submit date:2612070800 done date:2612070801 stat:DELIVRD err:000 text:Votre"
        assert parse_receipt(deliver_sm(text)) == DeliveryReport("1A2B1", True)

    def test_an_undelivered_receipt_with_its_error(self):
        text = b"id:1A2B2 sub:001 dlvrd:000 submit date:2612070800 done date:2612070900 stat:UNDELIV err:001 text:"
        assert parse_receipt(deliver_sm(text)) == DeliveryReport("1A2B2", False, "UNDELIV err:001")

    def test_the_receipt_tlvs_win(self):
        pdu = deliver_sm(b"", receipted_message_id="1A2B3", message_state=5)
        assert parse_receipt(pdu) == DeliveryReport("1A2B3", False, "UNDELIV")

    def test_a_status_that_is_not_final_and_a_message_that_is_no_receipt(self):
        assert parse_receipt(deliver_sm(b"id:1 stat:ACCEPTD err:000")) is None
        assert parse_receipt(deliver_sm(b"OUI", esm_class=0)) is None

    def test_a_receipt_without_id_is_a_value_error(self):
        with pytest.raises(ValueError):
            parse_receipt(deliver_sm(b"stat:DELIVRD"))

    def test_a_message_from_a_phone(self):
        sms = parse_inbound(deliver_sm(smpplib.gsm.gsm_encode("STOP à 10€"), esm_class=0))
        assert (sms.sender, sms.text) == ("+22376123456", "STOP à 10€")


def deliver_sm_bytes(sequence: int, short_message: bytes, esm_class: int) -> bytes:
    body = b"\0" + b"\x01\x01" + b"22376123456\0" + b"\x00\x00" + b"36123\0" + bytes([esm_class]) + b"\x00\x00\0\0"
    body += b"\x00\x00\x00\x00" + bytes([len(short_message)]) + short_message
    return FakeSmsc.pdu(DELIVER_SM, 0, sequence, body)


class TestReceiver:
    def test_receipts_and_messages_are_handed_over_and_acknowledged(self, smsc, settings):
        smsc.push = (
            deliver_sm_bytes(11, b"id:1A2B1 sub:001 dlvrd:001 stat:DELIVRD err:000 text:", 0x04)
            + deliver_sm_bytes(12, b"id:1A2B2 stat:ENROUTE err:000", 0x04)
            + deliver_sm_bytes(13, smpplib.gsm.gsm_encode("STOP"), 0x00)
        )
        settings.SMS_GATEWAYS = {
            "orange-sc": {"BACKEND": "hub.messaging.gateways.smpp.SmppGateway", **gateway(smsc).config}
        }
        reports, received = [], []

        receive_receipts("orange-sc", on_report=reports.append, on_inbound=received.append)

        assert smsc.binds[0][0] == BIND_RECEIVER
        assert reports == [DeliveryReport("1A2B1", True)]
        assert [(sms.sender, sms.text) for sms in received] == [("+22376123456", "STOP")]
        wait_for(lambda: len(smsc.others) >= 4)
        assert smsc.others[:4] == [
            (DELIVER_SM | RESPONSE, 0, 11),
            (DELIVER_SM | RESPONSE, 0, 12),
            (DELIVER_SM | RESPONSE, 0, 13),
            (UNBIND | RESPONSE, 0, 999),
        ]

    def test_a_receipt_not_recorded_is_left_to_the_smsc(self, smsc, settings):
        smsc.push = deliver_sm_bytes(21, b"id:1A2B1 stat:DELIVRD err:000", 0x04) + deliver_sm_bytes(
            22, b"stat:DELIVRD", 0x04
        )
        settings.SMS_GATEWAYS = {
            "orange-sc": {"BACKEND": "hub.messaging.gateways.smpp.SmppGateway", **gateway(smsc).config}
        }

        def broken(report):
            raise RuntimeError("database down")

        receive_receipts("orange-sc", on_report=broken, on_inbound=lambda sms: None)

        wait_for(lambda: len(smsc.others) >= 2)
        assert smsc.others[:2] == [
            (DELIVER_SM | RESPONSE, c.SMPP_ESME_RX_T_APPN, 21),  # sent again later
            (DELIVER_SM | RESPONSE, c.SMPP_ESME_RX_P_APPN, 22),  # unreadable: not sent again
        ]
