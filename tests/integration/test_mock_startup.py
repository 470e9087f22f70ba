"""The mock as a process: start-up errors, the generated admin token, cut-short bodies, dropped answers."""

from __future__ import annotations

import base64
import http.client
import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import REPO_ROOT, free_port, stop, wait_until_ready

AUTH = "Basic " + base64.b64encode(b"t100/admin:admin").decode()


def start(tmp_path: Path, *args: str) -> tuple[subprocess.Popen[bytes], int, Path]:
    port = free_port()
    log = tmp_path / "server.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "mockserver", "--port", str(port), *args],
            cwd=REPO_ROOT,
            stdout=output,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
    wait_until_ready(process, port, log)
    return process, port, log


@pytest.fixture
def server(tmp_path: Path) -> Iterator[int]:
    process, port, _ = start(tmp_path, "--host", "127.0.0.1", "--admin-token", "t0k")
    try:
        yield port
    finally:
        stop(process)


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mockserver", *args], cwd=REPO_ROOT, capture_output=True, text=True, timeout=60
    )


def test_a_busy_port_prints_one_line_and_exits_2() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        result = run("--host", "127.0.0.1", "--port", str(taken.getsockname()[1]))
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "cannot listen on 127.0.0.1" in result.stderr


def test_a_missing_spec_dir_prints_one_line_and_exits_2(tmp_path: Path) -> None:
    result = run("--port", "0", "--spec-dir", str(tmp_path / "nowhere"))
    assert (result.returncode, result.stderr.strip()) == (
        2,
        f"c8y mock: --spec-dir {tmp_path / 'nowhere'} is not a directory",
    )


def test_a_non_loopback_host_generates_and_prints_an_admin_token(tmp_path: Path) -> None:
    process, port, log = start(tmp_path, "--host", "0.0.0.0")
    try:
        line = next(text for text in log.read_text().splitlines() if "X-Mock-Admin-Token" in text)
        token = line.rsplit(" ", 1)[1]
        assert len(token) >= 20
        for headers, status in (({}, 401), ({"X-Mock-Admin-Token": token}, 200)):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            connection.request("POST", "/_mock/reset", headers=headers)
            assert connection.getresponse().status == status
            connection.close()
    finally:
        stop(process)


def request(
    port: int, method: str, path: str, headers: dict[str, str] | None = None, body: bytes = b""
) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(method, path, body=body, headers={"Authorization": AUTH, **(headers or {})})
        answer = connection.getresponse()
        return answer.status, answer.read()
    finally:
        connection.close()


def test_a_body_cut_short_stores_nothing(server: int) -> None:
    request(
        server,
        "POST",
        "/_mock/seed",
        {"X-Mock-Admin-Token": "t0k", "Content-Type": "application/json"},
        json.dumps({"managedObjects": [{"id": "5"}]}).encode(),
    )
    doc = json.dumps({"time": "2024-01-01T00:00:00Z", "type": "t", "source": {"id": "5"}}).encode()
    with socket.create_connection(("127.0.0.1", server), timeout=10) as sock:
        head = (
            f"POST /measurement/measurements HTTP/1.1\r\nHost: x\r\nAuthorization: {AUTH}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(doc) + 1000}\r\n\r\n"
        )
        sock.sendall(head.encode() + doc)
        sock.shutdown(socket.SHUT_WR)
        sock.recv(4096)
    _, body = request(
        server,
        "GET",
        "/_mock/journal?method=POST&path=/measurement/measurements",
        {"X-Mock-Admin-Token": "t0k"},
    )
    assert [entry["status"] for entry in json.loads(body)["requests"]] == [400]
    _, body = request(server, "GET", "/_mock/state", {"X-Mock-Admin-Token": "t0k"})
    assert json.loads(body)["counts"]["measurements"] == 0


def test_a_drop_rule_closes_the_connection_mid_answer(server: int) -> None:
    rule = json.dumps({"match": {"path": "/inventory/*"}, "drop": True, "times": 1}).encode()
    assert (
        request(
            server,
            "POST",
            "/_mock/faults",
            {"X-Mock-Admin-Token": "t0k", "Content-Type": "application/json"},
            rule,
        )[0]
        == 201
    )
    with pytest.raises(http.client.IncompleteRead):
        request(server, "GET", "/inventory/managedObjects")
    assert request(server, "GET", "/inventory/managedObjects")[0] == 200


def readme_mock_examples() -> list[str]:
    """The shell blocks of the README's "Mock server" section, in order."""
    text = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Mock server", 1)[1].split("\n## ", 1)[0]
    return [block.split("```", 1)[0] for block in section.split("```sh\n")[1:]]


def test_the_readme_mock_examples_run_as_written(tmp_path: Path) -> None:
    process, port, _ = start(tmp_path, "--host", "127.0.0.1")
    try:
        script = "set -e\n" + "\n".join(readme_mock_examples()).replace("127.0.0.1:8080", f"127.0.0.1:{port}")
        result = subprocess.run(
            ["bash", "-c", script], cwd=REPO_ROOT, capture_output=True, text=True, timeout=60
        )
    finally:
        stop(process)
    assert result.returncode == 0, result.stderr
    assert '"loaded":{"users":1,"managedObjects":1,"measurements":2,"alarms":0}' in result.stdout
    assert "HTTP/1.1 503" in result.stdout
    assert '"fired":1' in result.stdout


def read_answer(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection."""
    chunks = []
    while chunk := sock.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


def test_a_header_section_not_finished_in_time_gets_408_and_the_connection_closes(tmp_path: Path) -> None:
    process, port, _ = start(tmp_path, "--header-timeout", "0.5")
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
            sock.sendall(b"GET /inventory/managedObjects HTTP/1.1\r\nHost: mock\r\nX-Slow: ")
            answer = read_answer(sock)
        with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
            # A finished request, then a second one left half-sent on the same connection.
            sock.sendall(b"GET /nothing HTTP/1.1\r\nHost: mock\r\n\r\nGET /nothing HTTP/1.1\r\n")
            kept_alive = read_answer(sock)
    finally:
        stop(process)
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 408 ")
    assert json.loads(body)["message"] == "The request's header section was not complete within 0.5 s."
    assert kept_alive.startswith(b"HTTP/1.1 404 ")
    assert b"HTTP/1.1 408 " in kept_alive


def test_a_header_section_over_the_limit_gets_400_in_the_error_shape(tmp_path: Path) -> None:
    process, port, _ = start(tmp_path, "--max-header-bytes", "4096")
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
            sock.sendall(b"GET / HTTP/1.1\r\nHost: mock\r\nX-Big: " + b"a" * 8192)
            answer = read_answer(sock)
        with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:  # whole, in one read
            sock.sendall(b"GET / HTTP/1.1\r\nHost: mock\r\nX-Big: " + b"a" * 8192 + b"\r\n\r\n")
            whole = read_answer(sock)
        small = request(port, "GET", "/", headers={"X-Big": "a" * 1000})
    finally:
        stop(process)
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 ")
    assert b"content-type: application/vnd.com.nsn.cumulocity.error+json" in head.lower()
    assert "at most 4096 bytes" in json.loads(body)["message"]
    assert whole.startswith(b"HTTP/1.1 400 ")
    assert small[0] == 200
