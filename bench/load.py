#!/usr/bin/env python3
"""Load test: CONNS connections asking for normal pages as fast as they are answered,
while SLOW clients send their request headers a byte at a time (slowloris) and start
again whenever the server cuts them off. Prints requests, errors, latency percentiles
and how often the slow clients were cut. Needs only Python 3.

Usage: load.py BASE_URL [--conns 200] [--slow 300] [--seconds 30]
       [--user program --password program-demo-password] [--path /partners]
A normal request is an error when it fails, is not 200, or takes over 10 s.
"""
import argparse
import asyncio
import re
import statistics
import time
import urllib.parse


async def request(reader, writer, host, path, cookie):
    head = f"GET {path} HTTP/1.1\r\nHost: {host}\r\nCookie: {cookie}\r\n\r\n"
    writer.write(head.encode())
    await writer.drain()
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionError("closed")
    status = int(status_line.split()[1])
    length, chunked = None, False
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b""):
            break
        name, _, value = line.decode("latin-1").partition(":")
        if name.lower() == "content-length":
            length = int(value.strip())
        if name.lower() == "transfer-encoding" and "chunked" in value.lower():
            chunked = True
    if chunked:
        while True:
            size = int((await reader.readline()).strip(), 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    elif length:
        await reader.readexactly(length)
    return status


async def login(host, port, user, password):
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(f"GET /login HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
    page = (await reader.read()).decode("utf-8", "replace")
    writer.close()
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    pre = re.search(r"Set-Cookie: ([^;]+);", page, re.I)
    body = urllib.parse.urlencode({"username": user, "password": password, "csrf": csrf})
    reader, writer = await asyncio.open_connection(host, port)
    cookie = f"Cookie: {pre.group(1)}\r\n" if pre else ""
    writer.write(
        (f"POST /login HTTP/1.1\r\nHost: {host}\r\n{cookie}Connection: close\r\n"
         f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\n\r\n{body}").encode())
    answer = (await reader.read()).decode("utf-8", "replace")
    writer.close()
    session = re.search(r"Set-Cookie: (dspdesk_session=[^;]+);", answer, re.I)
    if not session:
        raise SystemExit(f"login as {user} failed:\n{answer[:500]}")
    return session.group(1)


async def normal(host, port, path, cookie, stop, stats):
    reader = writer = None
    while time.monotonic() < stop:
        t = time.monotonic()
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection(host, port)
            status = await asyncio.wait_for(request(reader, writer, host, path, cookie), 10)
            took = time.monotonic() - t
            stats["latency"].append(took)
            if status != 200:
                stats["errors"] += 1
                stats["why"][f"status {status}"] = stats["why"].get(f"status {status}", 0) + 1
        except Exception as e:  # noqa: BLE001 - every failure is counted
            stats["errors"] += 1
            stats["why"][type(e).__name__] = stats["why"].get(type(e).__name__, 0) + 1
            if writer is not None:
                writer.close()
            reader = writer = None
    if writer is not None:
        writer.close()


async def slow(host, port, stop, stats):
    head = f"GET /healthz HTTP/1.1\r\nHost: {host}\r\nX-Slow: ".encode() + b"a" * 10_000
    while time.monotonic() < stop:
        try:
            reader, writer = await asyncio.open_connection(host, port)
        except OSError:
            await asyncio.sleep(1)
            continue
        try:
            for b in head:
                if time.monotonic() >= stop:
                    break
                writer.write(bytes([b]))
                await writer.drain()
                # The server closing the connection shows as a read of b"".
                try:
                    closed = await asyncio.wait_for(reader.read(1), 2)
                    if closed == b"" or closed:
                        stats["cut"] += 1
                        break
                except asyncio.TimeoutError:
                    pass
        except (ConnectionError, OSError):
            stats["cut"] += 1
        finally:
            writer.close()


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("base")
    ap.add_argument("--conns", type=int, default=200)
    ap.add_argument("--slow", type=int, default=300)
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--user", default="program")
    ap.add_argument("--password", default="program-demo-password")
    ap.add_argument("--path", default="/partners")
    a = ap.parse_args()
    u = urllib.parse.urlparse(a.base)
    host, port = u.hostname, u.port or 80
    cookie = await login(host, port, a.user, a.password)
    stats = {"latency": [], "errors": 0, "why": {}, "cut": 0}
    stop = time.monotonic() + a.seconds
    slow_tasks = [asyncio.create_task(slow(host, port, stop, stats)) for _ in range(a.slow)]
    await asyncio.sleep(1)  # the slow clients are in before the normal ones start
    tasks = [asyncio.create_task(normal(host, port, a.path, cookie, stop, stats)) for _ in range(a.conns)]
    await asyncio.gather(*tasks)
    await asyncio.gather(*slow_tasks, return_exceptions=True)
    lat = sorted(stats["latency"])
    q = lambda p: lat[min(len(lat) - 1, int(p * len(lat)))] * 1000 if lat else float("nan")
    print(f"normal requests: {len(lat)} answered, {stats['errors']} errors {stats['why'] or ''}")
    print(f"latency ms: p50 {q(0.5):.1f}  p99 {q(0.99):.1f}  max {q(1.0):.1f}  "
          f"(mean {statistics.fmean(lat) * 1000 if lat else float('nan'):.1f})")
    print(f"throughput: {len(lat) / a.seconds:.0f} requests/s with {a.conns} connections "
          f"and {a.slow} slow clients; slow clients cut off {stats['cut']} times")


if __name__ == "__main__":
    asyncio.run(main())
