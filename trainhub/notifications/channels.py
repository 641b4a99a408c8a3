"""Channels deliver one outbox row each. The registry maps `OutboxMessage.channel` to a channel:
email today; SMS or WeChat later by `register_channel("sms", SmsChannel)` — the sending features
and the worker do not change.

A channel is a class built with the app's config: `send(message)` delivers or raises
(`DeliveryError` or any exception: the worker records it and retries), `close()` ends a batch.
"""

from __future__ import annotations

import base64
import logging
import re
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import format_datetime, formatdate, parseaddr
from pathlib import Path
from urllib.parse import urlsplit

log = logging.getLogger("trainhub.mail")

SMTP_TIMEOUT = 20  # seconds: a hung server must not outlive a claim's lease


class DeliveryError(Exception):
    """The channel could not deliver; `connection=True` when nothing else can go through either."""

    def __init__(self, message: str, *, connection: bool = False):
        super().__init__(message)
        self.connection = connection


class Channel:
    name = "base"

    def __init__(self, config: dict, instance_path: str):
        self.config = config
        self.instance_path = instance_path

    def send(self, message) -> None:  # pragma: no cover - interface
        raise NotImplementedError

    def close(self) -> None:
        pass


def attachment_bytes(item: dict) -> bytes:
    """{"data": base64} as stored, or {"qr": url, "caption": [lines]}: the ticket image, drawn now."""
    if "qr" in item:
        from trainhub.tickets.services import qr_png

        return qr_png(item["qr"], tuple(item.get("caption") or ()))
    return base64.b64decode(item["data"])


_HEADER_BREAKING = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]+")


def header_safe(text: str | None) -> str:
    """One line for a header: line breaks and control characters become a space. Input refuses them
    in titles, but a subject made of older rows (or a template) must never stop a mail from going."""
    return " ".join(_HEADER_BREAKING.sub(" ", text or "").split())


def build_email(message, config: dict) -> EmailMessage:
    """The MIME message of an outbox row: text and HTML alternatives, then its attachments."""
    sender = config.get("MAIL_SENDER") or "TrainHub <noreply@trainhub.local>"
    host = urlsplit(config.get("BASE_URL") or "").hostname or "trainhub.local"
    email = EmailMessage()
    email["Subject"] = header_safe(message.subject)
    email["From"] = sender
    email["To"] = message.recipient
    email["Date"] = format_datetime(message.created_at) if message.created_at else formatdate()
    # Stable per row: a receiving server can drop a duplicate should a crash make us send twice.
    email["Message-ID"] = f"<outbox-{message.id}@{host}>"
    email["Auto-Submitted"] = "auto-generated"
    email["X-TrainHub-Kind"] = message.kind
    email.set_content(message.body_text or "", charset="utf-8")
    if message.body_html:
        email.add_alternative(message.body_html, subtype="html", charset="utf-8")
    for item in message.attachments or []:
        maintype, _, subtype = item["content_type"].partition("/")
        params = {"method": item["method"]} if item.get("method") else {}
        if maintype == "text":
            params["charset"] = "utf-8"
        email.add_attachment(
            attachment_bytes(item),
            maintype=maintype,
            subtype=subtype or "octet-stream",
            filename=item["filename"],
            params=params,
        )
    # After the body: set_content() drops every Content-* header.
    email["Content-Language"] = "zh-CN" if (message.locale or "zh_CN").startswith("zh") else "en"
    return email


class EmailChannel(Channel):
    """SMTP from TRAINHUB_MAIL_* (one connection per batch); without a server, .eml files in
    MAIL_OUTBOX_DIR (default instance/mail) and a log line — the demo needs no server."""

    name = "email"

    def __init__(self, config: dict, instance_path: str):
        super().__init__(config, instance_path)
        self._smtp: smtplib.SMTP | None = None

    def send(self, message) -> None:
        email = build_email(message, self.config)
        if not self.config.get("MAIL_SERVER"):
            self._write_file(message, email)
            return
        smtp = self._connection()
        sender = parseaddr(self.config.get("MAIL_SENDER") or "")[1] or "noreply@trainhub.local"
        try:
            smtp.send_message(email, from_addr=sender, to_addrs=[message.recipient])
        except (smtplib.SMTPServerDisconnected, OSError) as error:
            self._drop()
            raise DeliveryError(f"{type(error).__name__}: {error}", connection=True) from error
        except smtplib.SMTPException as error:
            self._reset()
            raise DeliveryError(f"{type(error).__name__}: {error}") from error

    def _connection(self) -> smtplib.SMTP:
        if self._smtp is not None:
            return self._smtp
        host, port = self.config["MAIL_SERVER"], int(self.config.get("MAIL_PORT") or 25)
        try:
            if port == 465:
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                    host, port, timeout=SMTP_TIMEOUT, context=ssl.create_default_context()
                )
            else:
                smtp = smtplib.SMTP(host, port, timeout=SMTP_TIMEOUT)
                if self.config.get("MAIL_USE_TLS"):
                    smtp.starttls(context=ssl.create_default_context())
            if self.config.get("MAIL_USERNAME"):
                smtp.login(self.config["MAIL_USERNAME"], self.config.get("MAIL_PASSWORD") or "")
        except (smtplib.SMTPException, OSError) as error:
            raise DeliveryError(f"{type(error).__name__}: {error}", connection=True) from error
        self._smtp = smtp
        return smtp

    def _reset(self) -> None:
        try:
            if self._smtp is not None:
                self._smtp.rset()
        except (smtplib.SMTPException, OSError):
            self._drop()

    def _drop(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            try:
                smtp.close()
            except OSError:
                pass

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                smtp.close()

    def _write_file(self, message, email: EmailMessage) -> None:
        folder = Path(self.config.get("MAIL_OUTBOX_DIR") or Path(self.instance_path) / "mail")
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{message.id:07d}-{message.kind}.eml"
        path.write_bytes(email.as_bytes())
        log.info("mail %s to %s written to %s: %s", message.id, message.recipient, path, message.subject)


_CHANNELS: dict[str, type[Channel]] = {"email": EmailChannel}


def register_channel(name: str, channel_class: type[Channel]) -> None:
    """Add a channel (sms, wechat…): rows with `channel=name` are delivered by it."""
    _CHANNELS[name] = channel_class


def channel_class(name: str) -> type[Channel] | None:
    return _CHANNELS.get(name)
