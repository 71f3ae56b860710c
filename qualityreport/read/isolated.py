"""Reader processes: every submitted file is read in a child with memory and time limits.

Python cannot interrupt calamine: a crafted .xls can make it allocate 21 GB, panic or spin. So
files are read by a few long-lived children (python -m qualityreport.read.worker), each under
an address-space limit per file, and killed when a file takes longer than its time limit. A
child that dies or is killed is replaced; the file is reported and the batch goes on. The
children stay for the life of the program, so a batch pays their start-up once.
"""

from __future__ import annotations

import atexit
import marshal
import os
import select
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from ..errors import QualityReportError
from .model import Limits, UnreadableFile, megabytes

_HEADER = struct.Struct("<Q")
_LOG_KEPT = 1 << 20  # a child's stderr (panic messages) is cleared past this, between files
# A file's time limit starts once its reader has started; starting is allowed this long.
_START_UP_SECONDS = 60.0


class ReaderError(QualityReportError):
    """No reader process could be started (a broken installation, not a bad file)."""


class _Stopped(Exception):
    """The reader process ended or was ended before it replied."""


class _Reader:
    """One reader process and the reply it is assembling."""

    def __init__(self) -> None:
        self.log = tempfile.TemporaryFile()
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "qualityreport.read.worker"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=self.log,
                close_fds=True,
                # a panic's message stays short: a backtrace would push it out of last_words
                env={**os.environ, "RUST_BACKTRACE": "0"},
            )
        except OSError as exc:
            self.log.close()
            raise ReaderError(f"无法启动读取进程 / cannot start a reader process: {exc}") from None
        self.fd = self.process.stdout.fileno()  # type: ignore[union-attr]
        self.buffer = b""
        self.ready = False
        self.baseline = 0
        self.log_start = 0
        self.unanswered = 0  # files sent and not yet answered

    def send(self, path: str, limits: Limits) -> None:
        # The log of the files in flight starts where the first of them was sent: a file queued
        # behind one being read must not move it past what that one writes as it dies.
        if not self.unanswered:
            if os.lseek(self.log.fileno(), 0, os.SEEK_END) > _LOG_KEPT:
                os.ftruncate(self.log.fileno(), 0)
                os.lseek(self.log.fileno(), 0, os.SEEK_SET)
            self.log_start = os.lseek(self.log.fileno(), 0, os.SEEK_END)
        self.unanswered += 1
        payload = marshal.dumps((path, limits.as_tuple()))
        try:
            self.process.stdin.write(_HEADER.pack(len(payload)) + payload)  # type: ignore[union-attr]
            self.process.stdin.flush()  # type: ignore[union-attr]
        except (BrokenPipeError, OSError):
            raise _Stopped from None

    def receive(self) -> None:
        """After select found output waiting: read what is there (EOF: the process ended)."""
        chunk = os.read(self.fd, 1 << 20)
        if not chunk:
            raise _Stopped
        self.buffer += chunk

    def reply_ready(self) -> None:
        """Take the hello a new process sends once started, before its first reply."""
        if not self.ready and len(self.buffer) >= _HEADER.size:
            (length,) = _HEADER.unpack_from(self.buffer)
            if len(self.buffer) >= _HEADER.size + length:
                message = self._message()
                assert message is not None and "ready" in message
                self.ready, self.baseline = True, message["address_space"]

    def reply(self) -> dict[str, Any] | None:
        """The next complete reply received, if there is one."""
        self.reply_ready()
        message = self._message() if self.ready else None
        if message is not None:
            self.unanswered -= 1
        return message

    def _message(self) -> dict[str, Any] | None:
        if len(self.buffer) < _HEADER.size:
            return None
        (length,) = _HEADER.unpack_from(self.buffer)
        if len(self.buffer) < _HEADER.size + length:
            return None
        payload = self.buffer[_HEADER.size : _HEADER.size + length]
        self.buffer = self.buffer[_HEADER.size + length :]
        return marshal.loads(payload)

    def last_words(self) -> str:
        """What the process wrote to stderr while reading the files in flight: the first and the
        last 8 KB (a message and whatever followed it)."""
        end = os.lseek(self.log.fileno(), 0, os.SEEK_END)
        head = os.pread(self.log.fileno(), min(8192, end - self.log_start), self.log_start)
        tail_start = max(self.log_start + len(head), end - 8192)
        tail = os.pread(self.log.fileno(), end - tail_start, tail_start)
        return (head + tail).decode("utf-8", "replace")

    def stop(self, kill: bool = False) -> int | None:
        if kill:
            self.process.kill()
        else:
            try:
                self.process.stdin.close()  # type: ignore[union-attr]
            except OSError:
                pass
        try:
            code = self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            code = self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None and not stream.closed:
                try:
                    stream.close()
                except OSError:
                    pass
        self.log.close()
        return code


def _why_it_ended(reader: _Reader, limits: Limits) -> UnreadableFile:
    """Why a reader process ended in the middle of a file, in words for the file's sender."""
    words = reader.last_words()
    code = reader.stop(kill=True)
    if not reader.ready:  # it never got as far as reading a file: the installation is broken
        last = words.strip().splitlines()[-1] if words.strip() else f"exit code {code}"
        raise ReaderError(f"读取进程无法启动 / the reader process failed to start: {last}")
    memory = ("memory allocation of", "MemoryError", "Cannot allocate memory", "out of memory")
    if any(sign in words for sign in memory) or code == -signal.SIGKILL:
        return UnreadableFile("file-memory-limit", expected=megabytes(limits.max_reader_bytes))
    return UnreadableFile("file-reader-failed")


class ReaderPool:
    """At most `size` reader processes, kept between calls and shared by every thread (the web
    round validates uploads in threads: fifty uploads at once still start `size` processes)."""

    def __init__(self, size: int):
        self.size = max(1, size)
        self.idle: list[_Reader] = []
        self.live = 0  # processes started and not yet ended, idle or reading
        self.changed = threading.Condition()
        atexit.register(self.close)

    def _take(self, wait: bool) -> _Reader | None:
        """An idle reader, or a new one while fewer than `size` live; else wait for one (or,
        with wait=False, None: a caller that holds a reader already never waits for another)."""
        with self.changed:
            while not self.idle and self.live >= self.size:
                if not wait:
                    return None
                self.changed.wait()
            if self.idle:
                return self.idle.pop()
            self.live += 1
        try:
            return _Reader()
        except BaseException:  # ReaderError: the count must not keep a process that never was
            self._ended()
            raise

    def _ended(self) -> None:
        with self.changed:
            self.live -= 1
            self.changed.notify_all()

    def _give_back(self, reader: _Reader) -> None:
        with self.changed:
            self.idle.append(reader)
            self.changed.notify_all()

    def _stop(self, reader: _Reader, kill: bool = False) -> None:
        try:
            reader.stop(kill=kill)
        finally:
            self._ended()

    def _died(self, reader: _Reader, limits: Limits) -> UnreadableFile:
        try:
            return _why_it_ended(reader, limits)
        finally:
            self._ended()

    def start(self, count: int = 1) -> None:
        """Start reader processes ahead of need, so their start-up overlaps other work."""
        for _ in range(min(count, self.size)):
            with self.changed:
                if len(self.idle) >= count or self.live >= self.size:
                    return
                self.live += 1
            try:
                reader = _Reader()
            except BaseException:
                self._ended()
                raise
            self._give_back(reader)

    def close(self) -> None:
        """End the idle readers; at exit they are killed (nothing is lost: they are idle) and
        reaped, so the program does not wait for them to wind down."""
        with self.changed:
            readers, self.idle = self.idle, []
        for reader in readers:
            self._stop(reader, kill=True)

    def read(
        self, paths: Iterable[str | Path], limits: Limits, depth: int = 3
    ) -> Iterator[dict[str, Any] | UnreadableFile]:
        """Each file's reply (plain data) or why it is unreadable, in order, reading ahead.

        Each reader process is handed up to `depth` files at a time, so that it goes on reading
        while the caller works on what it has; a file's time limit starts when its reader gets to
        it. A reader that dies or is killed takes only its current file with it: the files queued
        behind it go to another."""
        run = _Run(self, [os.path.abspath(p) for p in paths], limits, depth)
        try:
            for index in range(len(run.paths)):
                while index not in run.done:
                    run.hand_out()
                    if index not in run.done:
                        run.collect()
                yield run.done.pop(index)
        finally:
            run.abandon()


class _Run:
    """One ReaderPool.read call: the files waiting, each reader's queue and the deadline of the
    file it is reading, and the replies not yet handed on."""

    def __init__(self, pool: ReaderPool, paths: list[str], limits: Limits, depth: int):
        self.pool, self.paths, self.limits, self.depth = pool, paths, limits, depth
        self.waiting: deque[int] = deque(range(len(paths)))
        self.queues: dict[_Reader, deque[int]] = {}
        self.deadlines: dict[_Reader, float] = {}
        self.done: dict[int, dict[str, Any] | UnreadableFile] = {}

    def hand_out(self) -> None:
        """Give waiting files to readers with room in their queue, starting readers as allowed."""
        while self.waiting:
            reader = next((r for r, q in self.queues.items() if len(q) < self.depth), None)
            if reader is None and len(self.queues) < self.pool.size:
                reader = self.pool._take(wait=not self.queues)
                if reader is not None:
                    self.queues[reader] = deque()
            if reader is None:
                return
            index = self.waiting.popleft()
            try:
                reader.send(self.paths[index], self.limits)
            except _Stopped:
                self.waiting.appendleft(index)
                self.lost(reader)
                continue
            if not self.queues[reader]:
                allowance = 0.0 if reader.ready else _START_UP_SECONDS
                self.deadlines[reader] = time.monotonic() + self.limits.max_seconds + allowance
            self.queues[reader].append(index)

    def lost(self, reader: _Reader, failure: UnreadableFile | None = None) -> None:
        """A reader ended: its current file gets the failure, the files behind it wait again."""
        queue = self.queues.pop(reader, deque())
        self.deadlines.pop(reader, None)
        if failure is None:
            failure = self.pool._died(reader, self.limits)
        else:
            self.pool._stop(reader, kill=True)
        if queue:
            self.done[queue.popleft()] = failure
        self.waiting.extendleft(reversed(queue))

    def collect(self) -> None:
        """Take the replies that have come, waiting for one (or a deadline) if none has."""
        if not self.replies() and self.deadlines:
            wait = max(0.0, min(self.deadlines.values()) - time.monotonic())
            readable, _, _ = select.select([r.fd for r in self.queues], [], [], wait)
            for reader in [r for r in self.queues if r.fd in readable]:
                starting = not reader.ready
                try:
                    reader.receive()
                except _Stopped:
                    self.lost(reader)
                    continue
                reader.reply_ready()
                if starting and reader.ready:  # a file's time starts when its reader can read
                    self.deadlines[reader] = time.monotonic() + self.limits.max_seconds
            self.replies()
        now = time.monotonic()
        for reader in [r for r, deadline in self.deadlines.items() if now >= deadline]:
            self.lost(reader, UnreadableFile("file-time-limit", expected=self.limits.max_seconds))

    def replies(self) -> bool:
        """Every complete reply already received; False when there was none."""
        found = False
        for reader in list(self.queues):
            while self.queues.get(reader) and (message := reader.reply()) is not None:
                found = True
                self.done[self.queues[reader].popleft()] = _outcome(message)
                self.deadlines[reader] = time.monotonic() + self.limits.max_seconds
                grown = message.get("address_space", 0) - reader.baseline
                if message.get("retire") or grown > self.limits.max_reader_bytes // 2:
                    # not reused: the files queued behind go back to wait
                    queue = self.queues.pop(reader)
                    self.deadlines.pop(reader, None)
                    self.waiting.extendleft(reversed(queue))
                    self.pool._stop(reader, kill=bool(queue))
            if reader in self.queues and not self.queues[reader]:
                del self.queues[reader], self.deadlines[reader]
                self.pool._give_back(reader)
        return found

    def abandon(self) -> None:
        """Readers still busy when the caller stops asking: their files are not wanted."""
        for reader in list(self.queues):
            self.pool._stop(reader, kill=True)
        self.queues.clear()


def _outcome(message: dict[str, Any]) -> dict[str, Any] | UnreadableFile:
    if "book" in message:
        return message["book"]
    if "unreadable" in message:
        return UnreadableFile.from_data(message["unreadable"])
    return UnreadableFile("file-reader-failed")


POOL = ReaderPool(min(2, os.cpu_count() or 1))
