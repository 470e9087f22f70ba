"""bench/_wire.py: the raw subscriber connections of bench/realtime.py parse what they read and
stamp it with the kernel's receive time."""

from __future__ import annotations

import socket
import sys
import time
import zlib
from pathlib import Path

ROOT = str(Path(__file__).resolve().parents[2])
if ROOT not in sys.path:  # bench/ is not an installed package: it is imported from the checkout
    sys.path.insert(0, ROOT)

from bench._wire import Inflater, Wire, http_message, ws_frame, ws_out  # noqa: E402


def test_an_http_answer_is_taken_only_when_its_body_is_complete() -> None:
    buffer = bytearray(b"HTTP/1.1 200 OK\r\ncontent-length: 4\r\n\r\n[1")
    assert http_message(buffer) is None
    buffer += b"2]HTTP/1.1 402 X\r\nContent-Length: 0\r\n\r\n"
    assert http_message(buffer) == (200, b"[12]")
    assert http_message(buffer) == (402, b"")
    assert buffer == bytearray()


def test_a_websocket_frame_with_a_two_byte_length_is_taken_when_complete() -> None:
    payload = b"x" * 300
    frame = bytes([0xC1, 126]) + len(payload).to_bytes(2, "big") + payload
    buffer = bytearray(frame[:200])
    assert ws_frame(buffer) is None
    buffer += frame[200:] + bytes([0x89, 0])
    assert ws_frame(buffer) == (1, True, payload)
    assert ws_frame(buffer) == (9, False, b"")


def test_a_client_frame_is_masked_and_unmasks_to_its_text() -> None:
    frame = ws_out(1, b"17")
    assert frame[0] == 0x81
    assert frame[1] == 0x80 | 2
    mask, data = frame[2:6], frame[6:]
    assert bytes(b ^ mask[i % 4] for i, b in enumerate(data)) == b"17"


def test_deflated_messages_inflate_with_the_context_kept_between_them() -> None:
    deflate = zlib.compressobj(wbits=-15)
    inflater = Inflater("permessage-deflate; client_max_window_bits=15")
    for text in ("1\n/t/measurements/5\nCREATE\n\n{}", "2\n/t/measurements/5\nCREATE\n\n{}"):
        sent = deflate.compress(text.encode()) + deflate.flush(zlib.Z_SYNC_FLUSH)
        assert sent.endswith(b"\x00\x00\xff\xff")
        assert inflater.text(sent[:-4], compressed=True) == text
    assert Inflater("").text(b"plain", compressed=False) == "plain"


def test_a_read_carries_the_kernel_receive_time_of_its_bytes() -> None:
    with socket.create_server(("127.0.0.1", 0)) as server:
        wire = Wire("127.0.0.1", server.getsockname()[1])
        peer, _ = server.accept()
        with peer:
            before = time.time()
            peer.sendall(b"hello")
            wire.fill_until(lambda: len(wire.buffer) >= 5)
            after = time.time()
        assert bytes(wire.buffer) == b"hello"
        # The kernel stamps with its own reading of the wall clock; 10 ms of slack (this test
        # failed once, unexplained, with 1 ms) still tells it from any other clock or none.
        assert before - 0.01 <= wire.stamp <= after + 0.01
        wire.close(None)
