"""Mail goes over real SMTP when MAIL_SERVER is set; a tiny SMTP server in the test receives it."""

from __future__ import annotations

import socketserver
import threading
from email import message_from_bytes

import pytest
from sqlalchemy import select

from ebw_training.accounts.mail import send_mail
from ebw_training.accounts.models import MailMessage
from ebw_training.extensions import db

from .factories import make_user


class _SMTPHandler(socketserver.StreamRequestHandler):
    def reply(self, line: str) -> None:
        self.wfile.write((line + "\r\n").encode())

    def handle(self):
        self.reply("220 test ESMTP")
        data_mode, lines = False, []
        while True:
            raw = self.rfile.readline()
            if not raw:
                return
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            if data_mode:
                if line == ".":
                    self.server.messages.append("\r\n".join(lines).encode())
                    data_mode, lines = False, []
                    self.reply("250 queued")
                else:
                    lines.append(line[1:] if line.startswith("..") else line)
                continue
            verb = line.split(" ", 1)[0].upper()
            if verb == "EHLO":
                self.reply("250 test")
            elif verb in ("HELO", "MAIL", "RCPT", "RSET", "NOOP"):
                self.reply("250 ok")
            elif verb == "DATA":
                data_mode = True
                self.reply("354 go ahead")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("502 not implemented")


@pytest.fixture
def smtp_server(app_ctx):
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SMTPHandler)
    server.messages = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    config = app_ctx.config
    saved = {k: config.get(k) for k in ("MAIL_SERVER", "MAIL_PORT", "MAIL_USE_TLS", "MAIL_USE_SSL", "MAIL_USERNAME")}
    config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.server_address[1], MAIL_USE_TLS=False,
                  MAIL_USE_SSL=False, MAIL_USERNAME=None)
    try:
        yield server
    finally:
        config.update(saved)
        server.shutdown()
        server.server_close()


def test_mail_is_delivered_over_smtp(smtp_server):
    message = send_mail("piet@gemeente.nl", "Uitnodiging: training", "Beste Piet,\n\nWelkom bij de training.")
    db.session.commit()
    assert message.transport == "smtp" and message.sent_at is not None and message.error is None
    assert len(smtp_server.messages) == 1
    received = message_from_bytes(smtp_server.messages[0])
    assert received["To"] == "piet@gemeente.nl"
    assert "Uitnodiging" in received["Subject"]
    assert "Welkom bij de training." in received.get_payload(decode=True).decode()


def test_password_reset_mail_over_smtp(client, smtp_server):
    user = make_user("learner", email="reset@gemeente.nl")
    db.session.commit()
    client.post("/wachtwoord-vergeten", data={"email": "reset@gemeente.nl"})
    assert len(smtp_server.messages) == 1
    body = message_from_bytes(smtp_server.messages[0]).get_payload(decode=True).decode()
    assert "/wachtwoord-kiezen/" in body
    stored = db.session.scalar(select(MailMessage).where(MailMessage.recipient == user.email))
    assert stored.transport == "smtp" and stored.sent_at is not None
