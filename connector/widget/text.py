"""The widget's words in English and French, and dates in the Salesforce user's time zone (WIDGET-03)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# Other languages fall back to English (issue 7); keys are the template's names for each text.
TEXT = {
    "en": {
        "title": "Alcméon conversation",
        "conversation_with": "Conversation with {name}",
        "status_open": "Open",
        "status_closed": "Closed",
        "status_expired": "Expired",
        "opened": "Opened",
        "times_in": "Times in {zone}",
        "reply_placeholder": "Write your reply…",
        "send": "Send",
        "continue_question": "Should the conversation continue?",
        "keep_open": "Yes, keep it open",
        "close_it": "No, send and close",
        "cancel": "Cancel",
        "read_only": "You may read this conversation; answering needs the Alcméon Agent permission set.",
        "closed_note": "This conversation is closed. The customer's next message starts a new one.",
        "notice_sent": "Your reply is on its way.",
        "notice_closed": "Reply sent and conversation closed.",
        "notice_engaged": (
            "Engagement sent. The widget switches to the conversation when the customer answers."
        ),
        "engagement": "Engagement",
        "engagement_intro": "This Case has no conversation yet: start one with an approved template.",
        "channel": "Channel",
        "recipient": "Recipient",
        "template": "Template",
        "template_unknown": "Template {id} (its text is not published by the channel's API)",
        "variables": "Variables",
        "consent": "Consent",
        "consent_given": "Consent given",
        "consent_missing": "No consent: this customer cannot be engaged",
        "status": "Status",
        "sent_on": "Sent on",
        "interrupt": "Interrupt an ongoing conversation",
        "send_engagement": "Send engagement",
        "no_engagement": "No engagement is linked to this Case.",
        "cannot_engage": (
            "This org cannot engage from here (it must be connected to exactly one Alcméon environment)."
        ),
        "waiting": "Waiting for the customer's answer…",
        "error": "Something went wrong",
        "error_hint": "Reload the record page to try again.",
    },
    "fr": {
        "title": "Conversation Alcméon",
        "conversation_with": "Conversation avec {name}",
        "status_open": "Ouverte",
        "status_closed": "Fermée",
        "status_expired": "Expirée",
        "opened": "Ouverte le",
        "times_in": "Heures en {zone}",
        "reply_placeholder": "Écrivez votre réponse…",
        "send": "Envoyer",
        "continue_question": "La conversation doit-elle continuer ?",
        "keep_open": "Oui, la laisser ouverte",
        "close_it": "Non, envoyer et fermer",
        "cancel": "Annuler",
        "read_only": (
            "Vous pouvez lire cette conversation ; y répondre demande le jeu d'autorisations Alcméon Agent."
        ),
        "closed_note": (
            "Cette conversation est fermée. Le prochain message du client en ouvrira une nouvelle."
        ),
        "notice_sent": "Votre réponse est en cours d'envoi.",
        "notice_closed": "Réponse envoyée et conversation fermée.",
        "notice_engaged": (
            "Engagement envoyé. Le widget passera à la conversation dès que le client répondra."
        ),
        "engagement": "Engagement",
        "engagement_intro": (
            "Cette requête n'a pas encore de conversation : lancez-en une avec un modèle approuvé."
        ),
        "channel": "Canal",
        "recipient": "Destinataire",
        "template": "Modèle",
        "template_unknown": "Modèle {id} (son texte n'est pas publié par l'API du canal)",
        "variables": "Variables",
        "consent": "Consentement",
        "consent_given": "Consentement donné",
        "consent_missing": "Pas de consentement : ce client ne peut pas être sollicité",
        "status": "Statut",
        "sent_on": "Envoyé le",
        "interrupt": "Interrompre une conversation en cours",
        "send_engagement": "Envoyer l'engagement",
        "no_engagement": "Aucun engagement n'est lié à cette requête.",
        "cannot_engage": (
            "Cette org ne peut pas solliciter d'ici (elle doit être connectée à un seul environnement "
            "Alcméon)."
        ),
        "waiting": "En attente de la réponse du client…",
        "error": "Une erreur est survenue",
        "error_hint": "Rechargez la page de l'enregistrement pour réessayer.",
    },
}
DATE_FORMATS = {"en": "%b %d, %Y %I:%M %p", "fr": "%d/%m/%Y %H:%M"}


def language(tag: str | None) -> str:
    """`fr`, `fr-FR` -> fr; `en-US` -> en; any language without a catalog -> en."""
    base = (tag or "en").replace("_", "-").split("-", 1)[0].lower()
    return base if base in TEXT else "en"


def words(tag: str | None) -> dict[str, str]:
    return TEXT[language(tag)]


def zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "GMT")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("GMT")


def when(moment: float | str | None, zone_name: str | None, tag: str | None) -> str:
    """A Unix time or a Salesforce/ISO datetime, shown in the user's zone with its abbreviation."""
    if moment is None or moment == "":
        return ""
    if isinstance(moment, str):
        text = moment.replace("Z", "+00:00")
        if text[-5] in "+-" and text[-3] != ":":
            text = text[:-2] + ":" + text[-2:]  # 2024-05-01T10:00:00.000+0000
        value = datetime.fromisoformat(text)
    else:
        value = datetime.fromtimestamp(float(moment), UTC)
    local = value.astimezone(zone(zone_name))
    return f"{local.strftime(DATE_FORMATS[language(tag)])} {local.tzname()}"
