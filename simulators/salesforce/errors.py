"""Salesforce errors, one class per errorCode, each knowing its HTTP status (salesforce-contract.md 3.3)."""

from __future__ import annotations


class SalesforceError(Exception):
    error_code = "UNKNOWN_EXCEPTION"
    status = 400

    def __init__(self, message: str, fields: list[str] | None = None, status: int | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields
        if status is not None:
            self.status = status

    def as_error(self, key: str = "errorCode") -> dict:
        """REST bodies use `errorCode`; SaveResults inside composite use `statusCode` (SC 7)."""
        body = {"message": self.message, key: self.error_code}
        if self.fields is not None or key == "statusCode":
            body["fields"] = list(self.fields or [])
        return body


def _error(code: str, status: int = 400) -> type[SalesforceError]:
    return type(code.title().replace("_", ""), (SalesforceError,), {"error_code": code, "status": status})


InvalidSessionId = _error("INVALID_SESSION_ID", 401)
NotFound = _error("NOT_FOUND", 404)
EntityIsDeleted = _error("ENTITY_IS_DELETED", 404)
MethodNotAllowed = _error("METHOD_NOT_ALLOWED", 405)
RequestLimitExceeded = _error("REQUEST_LIMIT_EXCEEDED", 403)
InsufficientAccess = _error("INSUFFICIENT_ACCESS_OR_READONLY", 403)
InvalidField = _error("INVALID_FIELD")
InvalidType = _error("INVALID_TYPE")
MalformedQuery = _error("MALFORMED_QUERY")
MalformedId = _error("MALFORMED_ID")
MalformedSearch = _error("MALFORMED_SEARCH")
InvalidQueryFilterOperator = _error("INVALID_QUERY_FILTER_OPERATOR")
InvalidQueryLocator = _error("INVALID_QUERY_LOCATOR")
NumberOutsideValidRange = _error("NUMBER_OUTSIDE_VALID_RANGE")
RequiredFieldMissing = _error("REQUIRED_FIELD_MISSING")
DuplicateValue = _error("DUPLICATE_VALUE")
InvalidCrossReferenceKey = _error("INVALID_CROSS_REFERENCE_KEY")
FieldIntegrityException = _error("FIELD_INTEGRITY_EXCEPTION")
StringTooLong = _error("STRING_TOO_LONG")
InvalidEmailAddress = _error("INVALID_EMAIL_ADDRESS")
InvalidOrNullForRestrictedPicklist = _error("INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST")
InvalidFieldForInsertUpdate = _error("INVALID_FIELD_FOR_INSERT_UPDATE")
JsonParserError = _error("JSON_PARSER_ERROR")
InvalidTypeOnFieldInRecord = _error("INVALID_TYPE_ON_FIELD_IN_RECORD")
CannotInsertUpdateActivateEntity = _error("CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY")
InvalidOperation = _error("INVALID_OPERATION")
ExceededIdLimit = _error("EXCEEDED_ID_LIMIT")
InvalidSearch = _error("INVALID_SEARCH")
AllOrNoneOperationRolledBack = _error("ALL_OR_NONE_OPERATION_ROLLED_BACK")
ProcessingHalted = _error("PROCESSING_HALTED")
InvalidBatchRequest = _error("INVALID_BATCH_REQUEST")
InvalidLogin = _error("INVALID_LOGIN")


class MultipleMatches(SalesforceError):
    """Upsert or get by external id matched several records: 300 with their URLs (SC 3.2)."""

    error_code = "MULTIPLE_RECORDS"
    status = 300

    def __init__(self, ids: list[str], sobject: str):
        super().__init__(f"More than one record found for external id on {sobject}")
        self.ids = ids
        self.sobject = sobject
