"""The plan evaluation with two assessors: inviting a colleague, the colleague's answers, comparing and agreeing.

The colleague needs no account: the invitation holds a single-use link (only its hash is stored) that is valid for
EBW_PEER_INVITE_DAYS days. The withdrawal link is derived from it (HMAC with the secret key), so the thank-you page
can show it again without storing it. Withdrawing deletes the colleague's answers.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, select

from ..accounts.mail import send_mail
from ..accounts.models import MailMessage
from ..cohorts.models import Enrollment
from ..content.course import Exercise, Module
from ..content.exercise_kinds import MAX_ANSWER_CHARS
from ..core.audit import record_audit
from ..core.errors import ValidationError
from ..core.urls import external_url
from ..extensions import db
from ..learning.documents import dutch_date
from ..learning.intervention import intervention_for, snapshot
from ..timeutil import utcnow
from .models import PeerReview, PlanAgreement


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def withdraw_token(token: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"peer-withdraw:{token}".encode(), hashlib.sha256).hexdigest()


def invite_days() -> int:
    return int(current_app.config.get("EBW_PEER_INVITE_DAYS", 14))


def retention_text() -> str:
    return _("We bewaren je antwoorden zolang de deelnemer de training volgt, en daarna nog zo lang als de "
             "trainingsgegevens van de deelnemer bewaard worden (%(days)s dagen na het einde van de training). Je "
             "kunt je antwoorden altijd eerder intrekken; dan verwijderen we ook de uitnodiging die je kreeg.", days=current_app.config["EBW_RETENTION_DAYS"])


def invite_colleague(enrollment: Enrollment, module: Module, email: str) -> PeerReview:
    """Create a single-use link for a colleague and mail it. The e-mail address itself is not kept here."""
    exercise = module.exercise
    if exercise is None or not exercise.two_assessors:
        raise ValidationError(_("Bij deze oefening hoort geen tweede beoordelaar."))
    description = snapshot(intervention_for(enrollment))
    if description is None:
        raise ValidationError(_("Beschrijf eerst je interventie. Je collega ziet die beschrijving bij de checklist."),
                              field="email")
    token = secrets.token_urlsafe(32)
    review = PeerReview(enrollment_id=enrollment.id, module_slug=module.slug, token_hash=_hash(token),
                        withdraw_hash=_hash(withdraw_token(token)), intervention=description,
                        content_version=module.version or "onbekend",
                        expires_at=utcnow() + timedelta(days=invite_days()))
    db.session.add(review)
    db.session.flush()
    learner = enrollment.user
    body = _(
        "Beste collega,\n\n"
        "%(name)s volgt de training Evidence Based Werken en vraagt je om het plan van een interventie mee te "
        "beoordelen. Een planevaluatie doe je met twee mensen: ieder vult dezelfde checklist eerst alleen in. "
        "Daarna vergelijken jullie de antwoorden.\n\n"
        "Je hebt geen account nodig. Open deze link (je kunt hem één keer gebruiken, tot en met %(date)s):\n"
        "%(link)s\n\n"
        "Je ziet alleen de korte beschrijving van de interventie en de checklist.\n\n"
        "Wat bewaren we? Je antwoorden en toelichtingen bij de checklist, en de datum waarop je ze gaf. Niet je naam "
        "en niet je e-mailadres (dat staat alleen bij deze e-mail). Alleen %(name)s ziet je antwoorden. %(retention)s\n\n"
        "Je antwoorden intrekken? Gebruik deze link:\n%(withdraw)s\n\n"
        "Let op: schrijf nooit over personen die mogelijk radicaliseren. Beoordeel alleen het plan.\n",
        name=learner.name, date=dutch_date(review.expires_at), link=external_url("dossier.colleague", token=token),
        retention=retention_text(),
        withdraw=external_url("dossier.colleague_withdraw", token=withdraw_token(token)),
    )
    review.mail_id = send_mail(email.strip(), _("Verzoek: beoordeel samen een plan (training Evidence Based "
                                                "Werken)"), body).id
    record_audit("peer_review.invited", target=f"enrollment:{enrollment.id}", review=review.id)
    return review


def review_by_token(token: str) -> PeerReview | None:
    return db.session.scalar(select(PeerReview).where(PeerReview.token_hash == _hash(token or "")))


def review_by_withdraw_token(token: str) -> PeerReview | None:
    return db.session.scalar(select(PeerReview).where(PeerReview.withdraw_hash == _hash(token or "")))


def link_state(review: PeerReview | None) -> str:
    """open | answered | withdrawn | expired | unknown."""
    if review is None:
        return "unknown"
    if review.withdrawn_at is not None:
        return "withdrawn"
    if review.answered_at is not None:
        return "answered"
    if review.expires_at < utcnow():
        return "expired"
    return "open"


def submit_colleague_answers(review: PeerReview, exercise: Exercise, answers: Mapping) -> dict[str, str]:
    """Store the colleague's answers once. Returns the missing answers (then nothing is stored)."""
    from ..content.exercise_kinds import EXERCISE_KINDS

    if link_state(review) != "open":
        raise ValidationError(_("Deze link is niet meer te gebruiken."))
    kind = EXERCISE_KINDS[exercise.kind]
    missing = kind.missing(exercise, dict(answers))
    if missing:
        return missing
    review.answers = {item.id: dict(answers.get(item.id) or {}) for item in exercise.items}
    review.answered_at = utcnow()
    db.session.flush()
    return {}


def withdraw(review: PeerReview) -> None:
    """Delete the colleague's answers (and the description they saw); the row says only that it was withdrawn."""
    review.answers = None
    review.intervention = None
    review.withdrawn_at = utcnow()
    if review.mail_id is not None:  # the sent invitation holds the colleague's e-mail address
        db.session.execute(delete(MailMessage).where(MailMessage.id == review.mail_id))
        review.mail_id = None
    db.session.flush()


def reviews_for(enrollment: Enrollment, slug: str) -> list[PeerReview]:
    return list(db.session.scalars(select(PeerReview).where(
        PeerReview.enrollment_id == enrollment.id, PeerReview.module_slug == slug).order_by(PeerReview.id.desc())))


def answered_review(reviews: list[PeerReview]) -> PeerReview | None:
    """The most recent assessment a colleague gave and did not withdraw."""
    return next((r for r in reviews if r.answers is not None and r.withdrawn_at is None), None)


def agreement_for(enrollment: Enrollment, slug: str) -> PlanAgreement | None:
    return db.session.scalar(select(PlanAgreement).where(PlanAgreement.enrollment_id == enrollment.id,
                                                         PlanAgreement.module_slug == slug))


@dataclass
class CompareRow:
    item_id: str
    question: str
    own_scale: str
    own_explanation: str
    peer_scale: str
    peer_explanation: str
    agreed_scale: str
    agreements: str

    @property
    def differs(self) -> bool:
        return self.own_scale != self.peer_scale


def compare(exercise: Exercise, own: Mapping | None, peer: Mapping | None,
            agreement: PlanAgreement | None) -> list[CompareRow]:
    """Both assessments item by item: the items where they differ first, otherwise in checklist order."""
    def part(source, item_id, key):
        value = (source or {}).get(item_id) if isinstance(source, Mapping) else None
        return str((value or {}).get(key) or "") if isinstance(value, Mapping) else ""

    agreed = (agreement.items if agreement is not None else None) or {}
    rows = []
    for item in exercise.items:
        own_scale, peer_scale = part(own, item.id, "scale"), part(peer, item.id, "scale")
        # Before anything is recorded, an answer both gave is the suggested agreed answer.
        suggested = own_scale if agreement is None and own_scale == peer_scale else ""
        rows.append(CompareRow(item.id, item.text, own_scale, part(own, item.id, "explanation"), peer_scale,
                               part(peer, item.id, "explanation"), part(agreed, item.id, "scale") or suggested,
                               part(agreed, item.id, "agreements")))
    return sorted(rows, key=lambda row: not row.differs)  # stable: checklist order within each group


def save_agreement(enrollment: Enrollment, module: Module, review: PeerReview | None,
                   form: Mapping) -> PlanAgreement:
    """Record the agreed answer and the follow-up agreements per item (empty ones stay open)."""
    exercise = module.exercise
    items = {}
    for item in exercise.items:
        scale = str(form.get(f"agreed-{item.id}-scale") or "")
        if scale and scale not in exercise.scale:
            raise ValidationError(_("Kies een van de antwoorden bij '%(item)s'.", item=item.text))
        text = str(form.get(f"agreed-{item.id}-agreements") or "").replace("\r\n", "\n").strip()
        items[item.id] = {"scale": scale, "agreements": text[:MAX_ANSWER_CHARS]}
    agreement = agreement_for(enrollment, module.slug)
    if agreement is None:
        agreement = PlanAgreement(enrollment_id=enrollment.id, module_slug=module.slug)
        db.session.add(agreement)
    agreement.items = items
    agreement.peer_review_id = review.id if review is not None else agreement.peer_review_id
    agreement.updated_at = utcnow()
    db.session.flush()
    return agreement
