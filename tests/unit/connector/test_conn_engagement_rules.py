"""Unit tests of the engagement rules (ENG-01 to ENG-07)."""

from __future__ import annotations

from datetime import UTC, datetime

from alcsim.connector.retry import Permanent
from alcsim.connector.widget.engagement import (
    failed_details,
    is_ongoing_refusal,
    refusal,
    reply_conversation,
    send_body,
    sendable,
    sent_details,
    sent_time,
)


def test_only_a_single_environment_org_engages():  # ENG-01
    assert refusal(["eu", "apac"], "WhatsApp", "whatsapp", True, False)[0] == "multiple-environments"
    assert refusal([], "WhatsApp", "whatsapp", True, False)[0] == "multiple-environments"
    assert refusal(["eu"], "WhatsApp", "whatsapp", True, False) is None


def test_only_whatsapp_and_kakaotalk_engage_and_the_sender_must_be_of_that_channel():  # ENG-02
    assert refusal(["eu"], "KakaoTalk", "kakaotalk", True, False) is None
    assert refusal(["eu"], "WhatsApp", "facebook", True, False)[0] == "unsupported-channel"
    assert refusal(["eu"], "Messenger", "facebook", True, False)[0] == "unsupported-channel"
    assert refusal(["eu"], "WhatsApp", None, True, False)[0] == "unsupported-channel"


def test_only_consenting_customers_are_engaged():  # ENG-03
    assert refusal(["eu"], "WhatsApp", "whatsapp", False, False)[0] == "no-consent"


def test_a_case_with_a_conversation_never_engages_again():  # ENG-06
    assert refusal(["eu"], "WhatsApp", "whatsapp", True, True)[0] == "case-has-conversation"


def test_drafts_and_failed_sends_may_be_sent_never_a_sent_one():  # ENG-04, ENG-07
    assert sendable("Draft") and sendable(None) and sendable("Failed") and not sendable("Sent")


def test_the_send_body_follows_the_api():  # AR 3.11, AR 2.3
    engagement = {"alcmeon__Recipient_Id__c": " +34600000001", "alcmeon__Template_Id__c": "12"}
    assert send_body(engagement, 3, {"body": {"name": "Ana"}}, True) == {
        "to_user_phone_number": "34600000001",
        "account_id": 3,
        "template_id": 12,
        "variables": {"body": {"name": "Ana"}},
        "interrupt_ongoing_conversation": True,
    }


def test_the_sending_details():  # ENG-04
    when = datetime(2026, 11, 22, 18, 5, tzinfo=UTC)
    assert sent_details(when, "es", "Hola") == {
        "alcmeon__Status__c": "Sent",
        "alcmeon__Sent_Date__c": "2026-11-22T18:05:00.000+0000",
        "alcmeon__Language_locale__c": "es",
        "alcmeon__Message_Content__c": "Hola",
        "alcmeon__Message_Send_Error__c": None,
    }
    assert sent_details(when, None, None)["alcmeon__Language_locale__c"] is None
    assert failed_details("boom") == {
        "alcmeon__Status__c": "Failed",
        "alcmeon__Message_Send_Error__c": "boom",
    }


def test_the_ongoing_conversation_refusal_is_recognised_by_status_and_body():  # ENG-07
    ongoing = {"error": "ongoing-conversation", "details": "..."}
    assert is_ongoing_refusal(Permanent("POST /v1/whatsapp/send/: 403", status=403, body=ongoing))
    missing = {"error": "template-not-found"}
    assert not is_ongoing_refusal(Permanent("POST /v1/whatsapp/send/: 400", status=400, body=missing))
    # The words in a message prove nothing: only the answer's status and body do.
    assert not is_ongoing_refusal(Permanent("POST /v1/whatsapp/send/: 403 {'error': 'ongoing-conversation'}"))
    assert not is_ongoing_refusal(Permanent("refused", status=403, body={"error": "forbidden"}))


def test_the_reply_to_a_send_names_its_conversation():  # ENG-05
    sends = [{"id": "m1", "conversation_id": None}, {"id": "m2", "conversation_id": 44}]
    assert reply_conversation(sends, "m2") == 44
    assert reply_conversation(sends, "m1") is None and reply_conversation(sends, "m9") is None


def test_the_sent_date_is_alcmeons_send_time():  # ENG-04
    assert sent_time("2026-11-22T18:05:00Z") == datetime(2026, 11, 22, 18, 5, tzinfo=UTC)
    assert sent_time(None) is None and sent_time("yesterday") is None
