"""Reads a spreadsheet in a child process and sends its rows back, so parsing and checking run side by side.

A large workbook takes a third of an import's check just to parse; on a machine with more than one core the
parent can check rows while this process parses the next ones. The parent (`spreadsheets.read_table_aside`)
writes one pickled request to this process's standard input — (data, file_format, encoding, limits, as_lines) —
and reads frames from its standard output, each a 4-byte big-endian length and a pickled tuple:

    ("table", header, total_hint, date1904)   first, once the sheet is open
    ("rows", [(number, cells), ...], lines)   as many as the sheet has; `lines` the same rows as
                                              `rows_as_lines` writes them when `as_lines`, else b""
    ("end",)                                  after the last row
    ("problem", message)                      the file cannot be read (`FileProblem`), instead of the rest
    ("error", description)                    anything else went wrong, instead of the rest

Only the parent starts it, with data the parent has already accepted; it imports nothing of Django.
"""
from __future__ import annotations

import pickle
import struct
import sys
import traceback
from itertools import islice

from fazhi.core.spreadsheets import FileProblem, read_table, rows_as_lines

FRAME_HEADER = struct.Struct(">I")
ROWS_PER_FRAME = 500


def send(stream, message: tuple) -> None:
    payload = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(FRAME_HEADER.pack(len(payload)))
    stream.write(payload)


def receive(stream) -> tuple | None:
    """The next frame, or None when the stream ends before one."""
    head = stream.read(FRAME_HEADER.size)
    if len(head) < FRAME_HEADER.size:
        return None
    (size,) = FRAME_HEADER.unpack(head)
    payload = stream.read(size)
    if len(payload) < size:
        return None
    return pickle.loads(payload)


def serve(source, sink) -> None:
    data, file_format, encoding, limits, as_lines = pickle.load(source)
    try:
        table = read_table(data, file_format, encoding, limits)
        send(sink, ("table", table.header, table.total_hint, table.date1904))
        while chunk := list(islice(table.rows, ROWS_PER_FRAME)):
            send(sink, ("rows", chunk, rows_as_lines(chunk) if as_lines else b""))
        send(sink, ("end",))
    except FileProblem as problem:
        send(sink, ("problem", problem.message))
    except Exception:  # reported to the parent, which logs it and fails the read
        send(sink, ("error", traceback.format_exc(limit=5)))
    sink.flush()


if __name__ == "__main__":
    try:
        serve(sys.stdin.buffer, sys.stdout.buffer)
    except BrokenPipeError:  # the parent stopped reading (it had enough rows, or gave up): nothing to report
        pass
