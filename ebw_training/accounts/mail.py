"""Sending mail: over SMTP when MAIL_SERVER is set, otherwise only to the outbox table."""

from __future__ import annotations

import re
import smtplib
from email.message import EmailMessage

from flask import current_app

from ..extensions import db
from ..timeutil import utcnow
from .models import MailMessage

_TOKEN_LINK = re.compile(r"(/(?:wachtwoord-kiezen|registratie-bevestigen|collega)/)[A-Za-z0-9_\-]+")


def mask_links(body: str) -> str:
    """Replace the secret part of password and invitation links."""
    return _TOKEN_LINK.sub(r"\1[verborgen]", body)


def send_mail(recipient: str, subject: str, body: str, kind: str | None = None) -> MailMessage:
    """Store the mail and, with MAIL_SERVER set, deliver it. A failed delivery never raises: the
    error is kept on the message (the outbox shows it) and logged."""
    message = MailMessage(recipient=recipient[:254], subject=subject[:200], body=body, kind=kind)
    db.session.add(message)
    config = current_app.config
    if config.get("MAIL_SERVER"):
        message.transport = "smtp"
        try:
            email = EmailMessage()
            email["From"] = config["MAIL_DEFAULT_SENDER"]
            email["To"] = recipient
            email["Subject"] = subject
            email.set_content(body)
            smtp_class = smtplib.SMTP_SSL if config.get("MAIL_USE_SSL") else smtplib.SMTP
            with smtp_class(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
                if config.get("MAIL_USE_TLS") and not config.get("MAIL_USE_SSL"):
                    smtp.starttls()
                if config.get("MAIL_USERNAME"):
                    smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
                smtp.send_message(email)
            message.sent_at = utcnow()
            # Delivered: the copy kept for admins no longer needs working sign-in links.
            message.body = mask_links(body)
        except Exception as exc:  # noqa: BLE001 - any failure (network, SMTP, a bad header) stays in the outbox
            message.error = str(exc)[:500]
            current_app.logger.warning("mail to %r failed: %s", recipient, exc)
    else:
        message.sent_at = utcnow()
    db.session.flush()
    return message
