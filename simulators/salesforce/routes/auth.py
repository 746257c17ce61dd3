"""Logins: the OAuth2 token endpoint and the SOAP partner login simple-salesforce parses (SC 1.2, 3.1)."""

from __future__ import annotations

import html
import json
import xml.etree.ElementTree as ET

from flask import Blueprint, Response, g, request

from alcsim.simulators.salesforce import errors
from alcsim.simulators.salesforce.auth import OAuthError
from alcsim.simulators.salesforce.routes.common import org

bp = Blueprint("auth", __name__)

PARTNER = "urn:partner.soap.sforce.com"


def _instance_url() -> str:
    # No trailing slash: simple-salesforce strips only the scheme from instance_url (SC 1.2).
    return f"https://{request.host}"


@bp.post("/services/oauth2/token")
def token():
    the_org = org()
    try:
        session, _ = the_org.sessions.token_grant(
            request.form.to_dict(), request.headers.get("Authorization")
        )
    except OAuthError as exc:
        return Response(
            json.dumps({"error": exc.error, "error_description": exc.description}),
            exc.status,
            mimetype="application/json",
        )
    issued = str(int(session.issued.timestamp() * 1000))
    body = {
        "access_token": session.token,
        "instance_url": _instance_url(),
        "id": f"{_instance_url()}/id/{the_org.id}/{session.user_id}",
        "token_type": "Bearer",
        "issued_at": issued,
        "signature": the_org.ids.token(44),
        "scope": "api refresh_token",
    }
    return Response(json.dumps(body), 200, mimetype="application/json")


@bp.post("/services/oauth2/revoke")
def revoke():
    org().sessions.revoke(request.form.get("token", ""))
    return Response("", 200)


def _soap_fault(code: str, message: str) -> Response:
    # simple-salesforce reads sf:exceptionCode / sf:exceptionMessage by qualified name (SC 1.2).
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" '
        'xmlns:sf="urn:fault.partner.soap.sforce.com" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<soapenv:Body><soapenv:Fault><faultcode>sf:{code}</faultcode><faultstring>{html.escape(message)}</faultstring>"
        f'<detail><sf:LoginFault xsi:type="sf:LoginFault"><sf:exceptionCode>{code}</sf:exceptionCode>'
        f"<sf:exceptionMessage>{html.escape(message)}</sf:exceptionMessage></sf:LoginFault></detail>"
        "</soapenv:Fault></soapenv:Body></soapenv:Envelope>"
    )
    return Response(body, 500, mimetype="text/xml", headers={"Content-Type": "text/xml; charset=utf-8"})


def _login_fields(raw: bytes) -> tuple[str, str]:
    root = ET.fromstring(raw)
    found = {}
    for element in root.iter():
        local = element.tag.rsplit("}", 1)[-1]
        if local in ("username", "password"):
            found[local] = element.text or ""
    if "username" not in found:
        raise ValueError("no username")
    return found["username"], found.get("password", "")


@bp.post("/services/Soap/u/<version>")
def soap_login(version: str):
    the_org = org()
    try:
        username, password = _login_fields(request.get_data())
    except (ET.ParseError, ValueError):
        return _soap_fault(
            "INVALID_LOGIN", "INVALID_LOGIN: Invalid username, password, security token; or user locked out."
        )
    try:
        session = the_org.sessions.soap_login(username, password)
    except errors.InvalidLogin as exc:
        return _soap_fault("INVALID_LOGIN", exc.message)
    user = the_org.records.row(the_org.schema.get("User"), session.user_id)
    config_user = next(u for u in the_org.config.users if u.username.lower() == user["Username"].lower())
    base = _instance_url()
    # sessionId and serverUrl carry no prefix and no attributes: the client strips their tags by text (SC 1.2).
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" '
        f'xmlns="{PARTNER}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        "<soapenv:Body><loginResponse><result>"
        f"<metadataServerUrl>{base}/services/Soap/m/{version}/{the_org.id}</metadataServerUrl>"
        "<passwordExpired>false</passwordExpired>"
        f"<sandbox>{str(the_org.config.is_sandbox).lower()}</sandbox>"
        f"<serverUrl>{base}/services/Soap/u/{version}/{the_org.id}</serverUrl>"
        f"<sessionId>{session.token}</sessionId>"
        f"<userId>{session.user_id}</userId>"
        "<userInfo>"
        f"<organizationId>{the_org.id}</organizationId>"
        f"<organizationName>{html.escape(the_org.config.name)}</organizationName>"
        f"<orgHasPersonAccounts>{str(the_org.config.person_accounts).lower()}</orgHasPersonAccounts>"
        f"<profileId>{user['ProfileId']}</profileId>"
        '<roleId xsi:nil="true"/>'
        f"<sessionSecondsValid>{the_org.config.session_seconds}</sessionSecondsValid>"
        f"<userEmail>{html.escape(user['Email'])}</userEmail>"
        f"<userFullName>{html.escape(user['Name'] or '')}</userFullName>"
        f"<userId>{session.user_id}</userId>"
        f"<userLanguage>{config_user.language}</userLanguage>"
        f"<userLocale>{config_user.locale}</userLocale>"
        f"<userName>{html.escape(user['Username'])}</userName>"
        f"<userTimeZone>{user['TimeZoneSidKey']}</userTimeZone>"
        "<userType>Standard</userType>"
        "</userInfo></result></loginResponse></soapenv:Body></soapenv:Envelope>"
    )
    return Response(body, 200, headers={"Content-Type": "text/xml; charset=utf-8"})


def _identity() -> Response:
    """Who the session belongs to, as the OpenID userinfo and identity URLs tell it (SC 3.1 `id`)."""
    the_org = org()
    user = the_org.records.row(the_org.schema.get("User"), g.session.user_id)
    base = _instance_url()
    body = {
        "sub": f"{base}/id/{the_org.id}/{user['Id']}",
        "user_id": user["Id"],
        "organization_id": the_org.id,
        "preferred_username": user["Username"],
        "nickname": user["Alias"],
        "name": user["Name"],
        "email": user["Email"],
        "email_verified": True,
        "given_name": user["FirstName"],
        "family_name": user["LastName"],
        "zoneinfo": user["TimeZoneSidKey"],
        "locale": user["LocaleSidKey"],
        "language": user["LanguageLocaleKey"],
        "active": bool(user["IsActive"]),
        "user_type": "STANDARD",
        "urls": {
            "rest": f"{base}/services/data/v{{version}}/",
            "sobjects": f"{base}/services/data/v{{version}}/sobjects/",
        },
    }
    return Response(json.dumps(body), 200, mimetype="application/json")


@bp.route("/services/oauth2/userinfo", methods=["GET", "POST"])
def userinfo():
    return _identity()


@bp.get("/id/<org_id>/<user_id>")
def identity(org_id: str, user_id: str):
    if org_id != org().id or user_id != g.session.user_id:
        raise errors.NotFound("The requested resource does not exist")
    return _identity()
