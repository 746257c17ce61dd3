"""CSV as Bulk API 2.0 reads and writes it: the job's delimiter and line ending, streamed from stored parts."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator

# ColumnDelimiterEnum and LineEndingEnum (api_asynch "Create a Job", request body).
DELIMITERS = {"COMMA": ",", "TAB": "\t", "SEMICOLON": ";", "PIPE": "|", "CARET": "^", "BACKQUOTE": "`"}
LINE_ENDINGS = {"LF": "\n", "CRLF": "\r\n"}
NULL = "#N/A"  # a field set to null; an empty value leaves the field as it is (api_asynch "Valid CSV Record Rows")
csv.field_size_limit(
    32 * 1024 * 1024
)  # a long text area holds 131,072 characters; one field never exceeds a part


class CsvProblem(Exception):
    """Data a job cannot read; `message` is the job's errorMessage in Salesforce's words."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class PartStream(io.RawIOBase):
    """The bytes of an upload read part by part from the store, never the whole upload at once."""

    def __init__(self, parts: Iterable[bytes]):
        self._parts = iter(parts)
        self._buffer = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, target) -> int:
        while not self._buffer:
            chunk = next(self._parts, None)
            if chunk is None:
                return 0
            self._buffer = memoryview(chunk)
        size = min(len(target), len(self._buffer))
        target[:size] = self._buffer[:size]
        self._buffer = self._buffer[size:]  # a view: the part is never copied again
        return size


def check_line_ending(first_part: bytes, line_ending: str) -> None:
    """The header's line ending must be the job's (the message real orgs give for a mismatch)."""
    end = first_part.find(b"\n")
    if end < 0:
        return
    crlf = end > 0 and first_part[end - 1 : end] == b"\r"
    if crlf != (line_ending == "CRLF"):
        raise CsvProblem(
            f"ClientInputError : LineEnding is invalid on user data. Current LineEnding setting is {line_ending}"
        )


def rows(parts: Iterable[bytes], delimiter: str) -> Iterator[list[str]]:
    """The rows of one upload, header first; a malformed file raises CsvProblem where it breaks."""
    text = io.TextIOWrapper(io.BufferedReader(PartStream(parts), 1 << 16), encoding="utf-8", newline="")
    reader = csv.reader(text, delimiter=DELIMITERS[delimiter], strict=True)
    try:
        yield from reader
    except csv.Error as exc:
        raise CsvProblem(f"ClientInputError : Failed to parse CSV at line {reader.line_num}: {exc}") from None
    except UnicodeDecodeError:
        raise CsvProblem("ClientInputError : The CSV data is not valid UTF-8") from None


class Writer:
    """Rows to CSV text in the job's delimiter and line ending; `take()` hands over what was written."""

    def __init__(self, delimiter: str, line_ending: str):
        self._buffer = io.StringIO()
        self._writer = csv.writer(
            self._buffer,
            delimiter=DELIMITERS[delimiter],
            lineterminator=LINE_ENDINGS[line_ending],
            quoting=csv.QUOTE_ALL,
        )
        self.writerow: Callable = self._writer.writerow
        self.writerows: Callable = self._writer.writerows

    def take(self) -> str:
        text = self._buffer.getvalue()
        self._buffer.seek(0)
        self._buffer.truncate()
        return text
