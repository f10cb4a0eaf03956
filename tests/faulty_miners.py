"""Misbehaving miners: plain asyncio HTTP servers on 127.0.0.1, one per fault.

Each speaks just enough HTTP to be mistaken for an axon (or not), then fails in its
own way. They run on a loop in a background thread, so the code under test can own
its event loop (``asyncio.run``) as a validator's would.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager

Behaviour = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]
# What a real axon's answer carries in its headers when the forward succeeded.
SUCCESS = {"bt_header_axon_status_code": "200", "bt_header_axon_status_message": "Success"}


async def read_request(reader: asyncio.StreamReader) -> bytes:
    """The request's head and body (by Content-Length)."""
    head = await reader.readuntil(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    return head + await reader.readexactly(length)


def http(
    status: int, body: bytes, headers: dict[str, str] | None = None,
    content_type: str = "application/json", length: int | None = None,
) -> bytes:
    """An HTTP/1.1 response; ``length`` may promise more (or less) body than there is."""
    size = len(body) if length is None else length
    lines = [f"HTTP/1.1 {status} X", f"Content-Type: {content_type}", f"Content-Length: {size}", "Connection: close"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def answer(status: int, body: bytes, headers: dict[str, str] | None = None, content_type: str = "application/json") -> Behaviour:
    async def behave(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        writer.write(http(status, body, headers, content_type))
        await writer.drain()

    return behave


def answer_json(status: int, value: object, headers: dict[str, str] | None = None) -> Behaviour:
    return answer(status, json.dumps(value).encode(), headers)


async def hang(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Read the request, never answer."""
    await read_request(reader)
    await asyncio.sleep(3600)


async def hang_mid_body(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Promise a long body, send half of it, stall."""
    await read_request(reader)
    writer.write(http(200, b'{"value": 1', SUCCESS, length=999))
    await writer.drain()
    await asyncio.sleep(3600)


async def close_mid_request(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Read a few bytes of the request and hang up."""
    await reader.read(10)


async def close_mid_response(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Start a 200 answer and hang up halfway through the body."""
    await read_request(reader)
    writer.write(http(200, b'{"value": ', SUCCESS, length=16))
    await writer.drain()


async def not_http(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await read_request(reader)
    writer.write(b"SSH-2.0-OpenSSH_9.0\r\n\r\n")
    await writer.drain()


def forged(status: int, value: object) -> Behaviour:
    """An HTTP error whose headers claim success (bt_header_axon_status_code: 200)."""
    return answer_json(status, value, SUCCESS)


def slow(delay: float, behaviour: Behaviour) -> Behaviour:
    """Answer as ``behaviour`` does, ``delay`` seconds late."""

    async def behave(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(delay)
        await behaviour(reader, writer)

    return behave


def huge(size: int, headers: dict[str, str] | None = None) -> Behaviour:
    """Announce a ``size``-byte JSON body (Content-Length) and send it, as fast as the client reads."""

    async def behave(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        writer.write(http(200, b'{"value": "', {**SUCCESS, **(headers or {})}, length=size))
        await _send_x(writer, size - 13)

    return behave


def chunked(size: int | None, prefix: bytes = b'{"value": "', content_type: str = "application/json") -> Behaviour:
    """A 200 body of ``size`` bytes (None: endless) in chunked encoding: no length to refuse it by."""

    async def behave(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        lines = ["HTTP/1.1 200 X", f"Content-Type: {content_type}", "Transfer-Encoding: chunked", "Connection: close"]
        lines += [f"{k}: {v}" for k, v in SUCCESS.items()]
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
        if prefix:  # (an empty chunk would end the body)
            writer.write(b"%x\r\n%s\r\n" % (len(prefix), prefix))
        block = b"x" * 65536
        frame = b"%x\r\n%s\r\n" % (len(block), block)
        sent = len(prefix)
        while size is None or sent < size:
            writer.write(frame)
            sent += len(block)
            await writer.drain()
        writer.write(b'3\r\n"}\n\r\n0\r\n\r\n')
        await writer.drain()

    return behave


async def _send_x(writer: asyncio.StreamWriter, size: int) -> None:
    block = b"x" * 65536
    while size > 0:
        writer.write(block[:size])
        size -= len(block)
        await writer.drain()
    writer.write(b'"}')
    await writer.drain()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class FaultyMiners:
    """Starts servers on 127.0.0.1 (``start(behaviour) -> port``) on a background loop."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.servers: list[asyncio.Server] = []

    def start(self, behaviour: Behaviour) -> int:
        async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            try:
                await behaviour(reader, writer)
            except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
                pass  # the client gave up first
            finally:
                writer.close()

        async def make() -> asyncio.Server:
            return await asyncio.start_server(serve, "127.0.0.1", 0)

        server = asyncio.run_coroutine_threadsafe(make(), self.loop).result(10)
        self.servers.append(server)
        return int(server.sockets[0].getsockname()[1])

    def close(self) -> None:
        async def stop() -> None:
            for server in self.servers:
                server.close()
            for task in asyncio.all_tasks() - {asyncio.current_task()}:
                task.cancel()

        asyncio.run_coroutine_threadsafe(stop(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)


@contextmanager
def faulty_miners() -> Iterator[FaultyMiners]:
    miners = FaultyMiners()
    try:
        yield miners
    finally:
        miners.close()
