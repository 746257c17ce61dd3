"""Salesforce's located error text: a leading newline, the query line, a caret, the row and column (SC 3.3)."""

from __future__ import annotations

from alcsim.simulators.salesforce import errors
from alcsim.simulators.salesforce.soql.ast import Pos


def located(text: str, pos: Pos | None, message: str) -> str:
    """`\\n<line>\\n   ^\\nERROR at Row:R:Column:C\\n<message>`, echoing the line the error is on."""
    if pos is None:
        return message
    lines = text.split("\n") or [""]
    row = lines[min(max(pos.line, 1), len(lines)) - 1]
    return f"\n{row}\n{' ' * (pos.column - 1)}^\nERROR at Row:{pos.line}:Column:{pos.column}\n{message}"


class Located:
    """Raises the org's errors located in one query text."""

    def __init__(self, text: str):
        self.text = text

    def malformed(self, pos: Pos | None, message: str) -> errors.SalesforceError:
        return errors.MalformedQuery(located(self.text, pos, message))

    def invalid_field(self, pos: Pos | None, message: str) -> errors.SalesforceError:
        return errors.InvalidField(located(self.text, pos, message))

    def invalid_type(self, pos: Pos | None, message: str) -> errors.SalesforceError:
        return errors.InvalidType(located(self.text, pos, message))

    def invalid_operator(self, pos: Pos | None, message: str) -> errors.SalesforceError:
        return errors.InvalidQueryFilterOperator(located(self.text, pos, message))

    def no_such_column(self, pos: Pos, name: str, entity: str) -> errors.SalesforceError:
        return self.invalid_field(
            pos,
            f"No such column '{name}' on entity '{entity}'. If you are attempting to use a custom field, be sure to "
            "append the '__c' after the custom field name. Please reference your WSDL or the describe call for the "
            "appropriate names.",
        )

    def bad_relationship(self, pos: Pos, name: str) -> errors.SalesforceError:
        return self.invalid_field(
            pos,
            f"Didn't understand relationship '{name}' in field path. If you are attempting to use a custom "
            "relationship, be sure to append the '__r' after the custom relationship name. Please reference your "
            "WSDL or the describe call for the appropriate names.",
        )

    def unsupported_type(self, pos: Pos, name: str) -> errors.SalesforceError:
        return self.invalid_type(
            pos,
            f"sObject type '{name}' is not supported. If you are attempting to use a custom object, be sure to append "
            "the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.",
        )
