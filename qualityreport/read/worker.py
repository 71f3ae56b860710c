"""The reader process: reads one file at a time for its parent, under a memory limit per file.

Started by isolated.py as `python -m qualityreport.read.worker`. Each request and reply is a
marshal document preceded by its length; the parent enforces the time limit by killing us.
"""

from __future__ import annotations

import marshal
import os
import resource
import struct
import sys

from .grid import read_here
from .model import Limits, UnreadableFile, megabytes

_HEADER = struct.Struct("<Q")


def _address_space() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * resource.getpagesize()


def _limit_memory(extra: int) -> None:
    """Allow this much more address space than the process holds now (never above the hard cap)."""
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    wanted = _address_space() + extra
    resource.setrlimit(
        resource.RLIMIT_AS, (wanted if hard == resource.RLIM_INFINITY else min(wanted, hard), hard)
    )


def _unlimit_memory() -> None:
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (hard, hard))


def _receive(stream) -> bytes | None:
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        return None
    (length,) = _HEADER.unpack(header)
    return stream.read(length)


def _send(stream, payload: bytes) -> None:
    stream.write(_HEADER.pack(len(payload)) + payload)
    stream.flush()


def _answer(path: str, limits: Limits) -> dict:
    try:
        _limit_memory(limits.max_reader_bytes)
        try:
            return {"book": read_here(path, limits)}
        finally:
            _unlimit_memory()
    except UnreadableFile as exc:
        return {"unreadable": exc.to_data()}
    except MemoryError:
        failure = UnreadableFile("file-memory-limit", expected=megabytes(limits.max_reader_bytes))
        return {"unreadable": failure.to_data(), "retire": True}
    except Exception as exc:  # a fault of ours on a strange file: report it, keep serving
        return {"failed": type(exc).__name__, "retire": True}


def main() -> None:
    import fastexcel  # noqa: F401  (loaded before any limit: its code is not a file's cost)

    requests, replies = sys.stdin.buffer, os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    # Anything a library prints must not mix with replies: standard output goes to stderr.
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    _send(replies, marshal.dumps({"ready": os.getpid(), "address_space": _address_space()}))
    while (request := _receive(requests)) is not None:
        path, limit_values = marshal.loads(request)
        reply = _answer(path, Limits(*limit_values))
        reply["address_space"] = _address_space()
        try:
            payload = marshal.dumps(reply)
        except ValueError:  # a value marshal cannot hold is a bug here, not a bad file
            payload = marshal.dumps({"failed": "reply could not be encoded"})
        _send(replies, payload)


if __name__ == "__main__":
    main()
