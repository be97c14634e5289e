"""The one CSV writer of every file the bot serves, made for spreadsheet software.

Excel, LibreOffice and Google Sheets run a cell that begins with ``=``, ``+``, ``-`` or ``@`` (or a tab
or carriage return before one) as a formula, so a title typed as ``=HYPERLINK(…)`` would act on the
reader's machine. Such text is written with a leading apostrophe, which spreadsheets show as text.
"""

import csv
import io
from collections.abc import Iterable, Mapping, Sequence

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


def defuse(value: object) -> str:
    """A cell's text, never read as a formula; None is an empty cell."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def to_csv(columns: Sequence[str], rows: Iterable[Mapping[str, object]], *, bom: bool = False) -> str:
    """One header row, then each row's columns (missing ones empty), CRLF line ends as RFC 4180 says.

    ``bom``: a UTF-8 byte-order mark first, without which Excel reads UTF-8 as the local code page."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([defuse(row.get(column)) for column in columns])
    return (BOM if bom else "") + buffer.getvalue()
