"""Unit tests of the widget rules: signed parameters, rights, language and time zone, record location."""

from __future__ import annotations

from alcsim.connector.scoped_ids import conversation_id_of, environment_of
from alcsim.connector.widget.backend import (
    embed_url,
    language_of,
    permission_for,
    signature_ok,
    widget_signature,
)

ORG, USER, RECORD = "00DA00000000001MAA", "005A00000000001IAA", "a00A00000000001IAA"


def test_a_signature_from_the_org_is_accepted_for_fifteen_minutes():
    sig = widget_signature("s3cret", ORG, USER, RECORD, 1000)
    assert signature_ok(["other", "s3cret"], ORG, USER, RECORD, "1000", sig, now=1000 + 899)
    assert not signature_ok(["s3cret"], ORG, USER, RECORD, "1000", sig, now=1000 + 901)  # stale
    assert not signature_ok(["s3cret"], ORG, USER, RECORD, "1000", sig, now=1000 - 120)  # from the future


def test_a_signature_binds_the_user_the_record_and_the_time():
    sig = widget_signature("s3cret", ORG, USER, RECORD, 1000)
    assert not signature_ok(["s3cret"], ORG, "005A00000000002IAA", RECORD, "1000", sig, now=1000)
    assert not signature_ok(["s3cret"], ORG, USER, "a00A00000000002IAA", "1000", sig, now=1000)
    assert not signature_ok(["s3cret"], ORG, USER, RECORD, "1001", sig, now=1001)
    assert not signature_ok(["wrong"], ORG, USER, RECORD, "1000", sig, now=1000)
    assert not signature_ok(["s3cret"], ORG, USER, RECORD, "soon", sig, now=1000)
    assert not signature_ok(["s3cret"], ORG, USER, RECORD, "1000", "", now=1000)


def test_either_form_of_an_id_signs_alike():
    assert widget_signature("s", ORG, USER, RECORD, 1) == widget_signature(
        "s", ORG[:15], USER[:15], RECORD[:15], 1
    )


def test_a_signature_covers_the_whole_record_id():
    """Issue 13, defect 1: text appended to a signed id is no longer the signed value, nor an id."""
    sig = widget_signature("s3cret", ORG, USER, RECORD[:15], 1000)
    for tampered in (
        RECORD[:15] + "' OR (Id = 'a00A00000000002IAA')",
        RECORD + "' OR Name LIKE 'Secret%",
        RECORD[:15] + "XYZ",  # 18 characters, but not the checksum of the first 15
        RECORD[:15] + " ",
    ):
        assert not signature_ok(["s3cret"], ORG, USER, tampered, "1000", sig, now=1000)
        assert widget_signature("s3cret", ORG, USER, tampered, 1000) == ""  # nothing but an id is signed
    assert signature_ok(["s3cret"], ORG, USER, RECORD, "1000", sig, now=1000)  # the same id, 18 characters


def test_rights_follow_the_permission_sets():  # WIDGET-04
    assert permission_for(["Alcmeon_Agent", "Alcmeon_Admin"]) == "read-answer-moderate"
    assert permission_for(["alcmeon_agent"]) == "read-answer"
    assert permission_for(["Sales_User"]) == "read" and permission_for([]) == "read"


def test_the_language_follows_the_users_locale_key():  # WIDGET-03
    assert language_of("fr") == "fr" and language_of("pt_BR") == "pt-BR" and language_of(None) == "en-US"


def test_the_embed_url_carries_language_and_time_zone():  # WIDGET-03
    assert (
        embed_url("https://a/embed/t", "fr", "Europe/Paris") == "https://a/embed/t?lang=fr&tz=Europe%2FParis"
    )
    assert embed_url("https://a/embed/t?x=1", "ko", "Asia/Seoul").startswith("https://a/embed/t?x=1&lang=ko")


def test_a_record_belongs_to_the_environment_of_its_scoped_id_prefix():  # TOPO-03
    scopes = {"39y": "brand-fr", "41k": "brand-kr"}
    assert environment_of("39y:1:2:a", scopes) == "brand-fr"
    assert environment_of("zzz:1:2:a", scopes) is None and environment_of("", scopes) is None
    assert conversation_id_of("39y:1:2:a") == 10
