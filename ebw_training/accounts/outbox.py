"""The outbox admins read: sign-in links are never shown; a mail with one can be sent again with a new link."""

from __future__ import annotations

from ..core.audit import record_audit
from .confirmation import send_confirmation_again
from .mail import mask_links, send_mail
from .models import MailMessage, User
from .services import get_user_by_email, send_invitation, send_reset_mail

LINK_KINDS = ("reset", "invite", "confirm")


def shown_body(message: MailMessage) -> str:
    """The text an admin may read: every password, invitation and confirmation link masked."""
    return mask_links(message.body)


def resend(message: MailMessage, *, actor: User | None) -> MailMessage | None:
    """Send the mail again. A mail with a sign-in link gets a new link (the old one stops working);
    None when its account no longer exists or is switched off."""
    if message.kind in LINK_KINDS:
        user = get_user_by_email(message.recipient)
        if user is None or not user.is_active_account:
            return None
        if message.kind == "invite":
            send_invitation(user)
        elif message.kind == "reset":
            send_reset_mail(user)
        else:
            send_confirmation_again(user)
    else:
        send_mail(message.recipient, message.subject, message.body, kind=message.kind)
    record_audit("mail.resent", actor=actor, target=f"mail:{message.id}", kind=message.kind)
    return message
