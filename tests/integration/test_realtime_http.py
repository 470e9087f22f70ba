"""The realtime transports over HTTP: CometD long-polling in-process (httpx over ASGI, so a
held connect and a publish share one event loop), the CometD websocket and the Notification
2.0 consumer on a real server (``mock_server_url``), REST subscriptions in-process.
"""

from __future__ import annotations

import asyncio
import base64
import json
import socket
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from mockserver.http.app import create_app
from mockserver.realtime.bayeux import BayeuxSettings
from mockserver.state import MockState

AUTH = "Basic " + base64.b64encode(b"t100/admin:admin").decode()
TOKEN = base64.b64encode(b"t100/admin:admin").decode()
REALTIME = "/notification/realtime"
WAIT_S = 10.0


def in_process(timeout_ms: int = 5000) -> tuple[httpx.AsyncClient, MockState]:
    state = MockState()
    state.realtime.bayeux.settings = BayeuxSettings(timeout_ms=timeout_ms)
    transport = httpx.ASGITransport(app=create_app(state))
    client = httpx.AsyncClient(transport=transport, base_url="http://mock", headers={"Authorization": AUTH})
    return client, state


async def bayeux(client: httpx.AsyncClient, path: str, *messages: dict[str, Any]) -> list[dict[str, Any]]:
    response = await client.post(f"{REALTIME}{path}", json=list(messages), timeout=WAIT_S)
    assert response.status_code == 200, response.text
    answer: list[dict[str, Any]] = response.json()
    return answer


async def subscribed_client(client: httpx.AsyncClient, *patterns: str) -> str:
    (reply,) = await bayeux(client, "/handshake", {"channel": "/meta/handshake", "version": "1.0"})
    client_id = str(reply["clientId"])
    subs = [{"channel": "/meta/subscribe", "clientId": client_id, "subscription": p} for p in patterns]
    replies = await bayeux(client, "/", *subs)
    assert all(r["successful"] for r in replies)
    await bayeux(client, "/connect", {"channel": "/meta/connect", "clientId": client_id})
    return client_id


async def device(client: httpx.AsyncClient) -> str:
    response = await client.post("/inventory/managedObjects", json={"name": "d"}, headers={"Accept": "*/*"})
    return str(response.json()["id"])


async def measure(client: httpx.AsyncClient, source: str) -> str:
    body = {"source": {"id": source}, "time": "2024-01-01T00:00:00Z", "type": "t", "f": {"s": {"value": 1}}}
    response = await client.post("/measurement/measurements", json=body, headers={"Accept": "*/*"})
    return str(response.json()["id"])


def run(coroutine: Any) -> Any:
    return asyncio.run(asyncio.wait_for(coroutine, WAIT_S * 2))


def test_a_held_connect_is_answered_when_a_measurement_is_created() -> None:
    async def scenario() -> list[dict[str, Any]]:
        client, _ = in_process()
        async with client:
            source = await device(client)
            client_id = await subscribed_client(client, f"/measurements/{source}")
            held = asyncio.create_task(
                bayeux(client, "/connect", {"channel": "/meta/connect", "clientId": client_id})
            )
            await asyncio.sleep(0)  # let the connect reach the server before the publish
            created = await measure(client, source)
            answer = await held
            assert answer[0]["data"]["data"]["id"] == created
            return answer

    answer = run(scenario())
    assert [m["channel"] for m in answer][-1] == "/meta/connect"
    assert answer[0]["data"]["realtimeAction"] == "CREATE"
    assert answer[0]["data"]["data"]["self"].startswith("http://mock/measurement/measurements/")


def test_a_held_connect_without_data_is_answered_at_the_advised_timeout() -> None:
    async def scenario() -> tuple[float, list[dict[str, Any]]]:
        client, _ = in_process(timeout_ms=200)
        async with client:
            client_id = await subscribed_client(client, "/measurements/*")
            started = time.monotonic()
            answer = await bayeux(client, "/connect", {"channel": "/meta/connect", "clientId": client_id})
            return time.monotonic() - started, answer

    elapsed, answer = run(scenario())
    assert [m["channel"] for m in answer] == ["/meta/connect"]
    assert answer[0]["successful"] is True
    assert 0.15 <= elapsed < WAIT_S


def test_a_chunked_batch_without_content_length_is_read_whole() -> None:
    async def chunks() -> AsyncIterator[bytes]:
        text = json.dumps([{"channel": "/meta/handshake", "version": "1.0"}]).encode()
        for i in range(0, len(text), 7):
            yield text[i : i + 7]

    async def scenario() -> httpx.Response:
        client, _ = in_process()
        async with client:
            return await client.post(f"{REALTIME}/handshake", content=chunks())

    response = run(scenario())
    assert response.json()[0]["successful"] is True


@pytest.mark.parametrize(
    ("body", "status"),
    [(b"{not json", 400), (b"[]", 400), (b"7", 400)],
    ids=["malformed", "empty-batch", "not-a-message"],
)
def test_an_unreadable_batch_is_a_400_in_cumulocity_shape(body: bytes, status: int) -> None:
    async def scenario() -> httpx.Response:
        client, _ = in_process()
        async with client:
            return await client.post(f"{REALTIME}/handshake", content=body)

    response = run(scenario())
    assert response.status_code == status
    assert response.json()["error"].startswith("realtime/")


def test_wrong_credentials_get_an_unsuccessful_handshake_and_no_client() -> None:
    async def scenario() -> tuple[list[dict[str, Any]], MockState]:
        client, state = in_process()
        async with client:
            wrong = base64.b64encode(b"t100/admin:wrong").decode()
            message = {"channel": "/meta/handshake", "ext": {"com.cumulocity.authn": {"token": wrong}}}
            return await bayeux(client, "/handshake", message), state

    answer, state = run(scenario())
    assert answer[0]["successful"] is False
    assert answer[0]["error"].startswith("401::")
    assert state.realtime.bayeux.clients == {}


def test_a_get_on_the_realtime_path_is_a_405() -> None:
    async def scenario() -> httpx.Response:
        client, _ = in_process()
        async with client:
            return await client.get(f"{REALTIME}/handshake")

    assert run(scenario()).status_code == 405


def test_notification2_subscriptions_are_created_listed_paged_and_deleted() -> None:
    async def scenario() -> None:
        client, _ = in_process()
        async with client:
            source = await device(client)
            for name in ("a", "b", "c"):
                body = {
                    "subscription": name,
                    "context": "mo",
                    "source": {"id": source},
                    "subscriptionFilter": {"apis": ["measurements"], "typeFilter": None},
                }
                created = await client.post("/notification2/subscriptions", json=body)
                assert created.status_code == 201, created.text
                assert created.json()["self"].endswith(f"/notification2/subscriptions/{created.json()['id']}")
            duplicate = await client.post("/notification2/subscriptions", json=body)
            assert duplicate.status_code == 409
            assert duplicate.json()["error"] == "notification2/Conflict"
            page = await client.get(
                "/notification2/subscriptions",
                params={"source": source, "pageSize": 2, "withTotalPages": "true"},
            )
            assert [s["subscription"] for s in page.json()["subscriptions"]] == ["a", "b"]
            assert page.json()["statistics"]["totalPages"] == 2
            gone = await client.delete(
                "/notification2/subscriptions", params={"context": "mo", "source": source}
            )
            assert gone.status_code == 204
            left = await client.get("/notification2/subscriptions")
            assert left.json()["subscriptions"] == []

    run(scenario())


def test_a_token_for_an_unknown_subscription_is_a_404() -> None:
    async def scenario() -> httpx.Response:
        client, _ = in_process()
        async with client:
            return await client.post(
                "/notification2/token", json={"subscriber": "me", "subscription": "nope"}
            )

    response = run(scenario())
    assert response.status_code == 404
    assert response.json()["error"] == "notification2/Not Found"


@pytest.fixture
def rest(mock_server_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=mock_server_url, headers={"Authorization": AUTH}, timeout=WAIT_S) as client:
        yield client


def ws_url(base_url: str, path: str) -> str:
    return "ws" + base_url[4:] + path


def test_the_cometd_websocket_delivers_on_the_same_socket(mock_server_url: str, rest: httpx.Client) -> None:
    source = str(
        rest.post("/inventory/managedObjects", json={"name": "ws"}, headers={"Accept": "*/*"}).json()["id"]
    )
    with connect(ws_url(mock_server_url, REALTIME), open_timeout=WAIT_S) as socket:
        ext = {"com.cumulocity.authn": {"token": TOKEN}}
        socket.send(
            json.dumps(
                [{"channel": "/meta/handshake", "ext": ext, "supportedConnectionTypes": ["websocket"]}]
            )
        )
        client_id = json.loads(socket.recv(timeout=WAIT_S))[0]["clientId"]
        socket.send(
            json.dumps(
                [
                    {
                        "channel": "/meta/subscribe",
                        "clientId": client_id,
                        "subscription": f"/measurements/{source}",
                    },
                    {"channel": "/meta/connect", "clientId": client_id, "connectionType": "websocket"},
                ]
            )
        )
        first = json.loads(socket.recv(timeout=WAIT_S))
        assert [m["channel"] for m in first] == ["/meta/subscribe", "/meta/connect"]
        socket.send(
            json.dumps([{"channel": "/meta/connect", "clientId": client_id, "connectionType": "websocket"}])
        )
        body = {"source": {"id": source}, "time": "2024-01-01T00:00:00Z", "type": "t"}
        created = rest.post("/measurement/measurements", json=body, headers={"Accept": "*/*"}).json()
        answer = json.loads(socket.recv(timeout=WAIT_S))
    assert answer[0]["channel"] == f"/measurements/{source}"
    assert answer[0]["data"]["data"]["id"] == created["id"]
    rest.delete(f"/inventory/managedObjects/{source}")


def test_the_consumer_refuses_a_missing_or_forged_token_with_401(mock_server_url: str) -> None:
    for query in ("", "?token=abc.def.ghi"):
        with pytest.raises(InvalidStatus) as refused:
            connect(ws_url(mock_server_url, f"/notification2/consumer/{query}"), open_timeout=WAIT_S)
        assert refused.value.response.status_code == 401


def test_the_consumer_declines_permessage_deflate(mock_server_url: str, rest: httpx.Client) -> None:
    source = str(
        rest.post("/inventory/managedObjects", json={"name": "n2"}, headers={"Accept": "*/*"}).json()["id"]
    )
    body = {"subscription": "plainFrames", "context": "mo", "source": {"id": source}}
    assert rest.post("/notification2/subscriptions", json=body).status_code == 201
    answer = rest.post("/notification2/token", json={"subscriber": "plain", "subscription": "plainFrames"})
    url = ws_url(mock_server_url, f"/notification2/consumer/?token={answer.json()['token']}")
    with connect(url, open_timeout=WAIT_S) as socket:  # websockets offers permessage-deflate
        assert socket.request is not None
        assert socket.response is not None
        assert "permessage-deflate" in (socket.request.headers.get("Sec-WebSocket-Extensions") or "")
        assert socket.response.headers.get("Sec-WebSocket-Extensions") is None
    rest.delete(f"/inventory/managedObjects/{source}")


def test_the_consumer_sends_the_platform_frame_and_takes_acks(
    mock_server_url: str, rest: httpx.Client
) -> None:
    source = str(
        rest.post("/inventory/managedObjects", json={"name": "n2"}, headers={"Accept": "*/*"}).json()["id"]
    )
    body = {"subscription": "rawFrames", "context": "mo", "source": {"id": source}}
    assert rest.post("/notification2/subscriptions", json=body).status_code == 201
    token = rest.post("/notification2/token", json={"subscriber": "raw", "subscription": "rawFrames"}).json()[
        "token"
    ]
    url = ws_url(mock_server_url, f"/notification2/consumer/?token={token}")
    measurement = {"source": {"id": source}, "time": "2024-01-01T00:00:00Z", "type": "t"}
    with connect(url, open_timeout=WAIT_S) as socket:
        deadline = time.monotonic() + WAIT_S
        while rest.get("/_mock/state").json()["counts"]["notificationConsumers"] < 1:
            assert time.monotonic() < deadline, "the consumer never counted as connected"
            time.sleep(0.02)  # polling interval of a bounded readiness probe
        created = rest.post("/measurement/measurements", json=measurement, headers={"Accept": "*/*"}).json()
        frame = socket.recv(timeout=WAIT_S)
        ack_id, channel, action, blank, payload = frame.split("\n")
        socket.send(ack_id)
    assert (channel, action, blank) == (f"/t100/measurements/{source}", "CREATE", "")
    assert json.loads(payload)["id"] == created["id"]
    assert rest.post(f"/notification2/unsubscribe?token={token}", json={}).json() == {"result": "DONE"}
    with pytest.raises(InvalidStatus) as refused:
        connect(url, open_timeout=WAIT_S)
    assert refused.value.response.status_code == 401
    rest.delete(f"/inventory/managedObjects/{source}")


def test_two_consumers_of_a_shared_subscriber_each_receive_a_disjoint_part(
    mock_server_url: str, rest: httpx.Client
) -> None:
    source = str(
        rest.post("/inventory/managedObjects", json={"name": "sh"}, headers={"Accept": "*/*"}).json()["id"]
    )
    body = {"subscription": "sharedFrames", "context": "mo", "source": {"id": source}}
    assert rest.post("/notification2/subscriptions", json=body).status_code == 201
    request = {"subscriber": "pool", "subscription": "sharedFrames", "shared": True}
    token = rest.post("/notification2/token", json=request).json()["token"]
    url = ws_url(mock_server_url, f"/notification2/consumer/?token={token}")
    measurement = {"source": {"id": source}, "time": "2024-01-01T00:00:00Z", "type": "t"}
    with (
        connect(f"{url}&consumer=left", open_timeout=WAIT_S) as left,
        connect(f"{url}&consumer=right", open_timeout=WAIT_S) as right,
    ):
        deadline = time.monotonic() + WAIT_S
        while rest.get("/_mock/state").json()["counts"]["notificationConsumers"] < 2:
            assert time.monotonic() < deadline, "the two consumers never counted as connected"
            time.sleep(0.02)  # polling interval of a bounded readiness probe
        created = [
            rest.post("/measurement/measurements", json=measurement, headers={"Accept": "*/*"}).json()["id"]
            for _ in range(6)
        ]
        got: dict[str, list[str]] = {"left": [], "right": []}
        while len(got["left"]) + len(got["right"]) < len(created):
            for name, socket in (("left", left), ("right", right)):
                if len(got["left"]) + len(got["right"]) < len(created) and len(got[name]) < 3:
                    frame = socket.recv(timeout=WAIT_S)
                    socket.send(frame.split("\n", 1)[0])
                    got[name].append(json.loads(frame.split("\n")[-1])["id"])
    assert set(got["left"]).isdisjoint(got["right"])
    assert sorted(got["left"] + got["right"]) == sorted(created)
    rest.post(f"/notification2/unsubscribe?token={token}", json={})
    rest.delete(f"/inventory/managedObjects/{source}")


def stalled_consumer(base_url: str, path: str) -> socket.socket:
    """A websocket consumer that completes the handshake and then never reads a byte."""
    host, _, port = base_url.split("://", 1)[1].partition(":")
    raw = socket.create_connection((host, int(port)), timeout=WAIT_S)
    key = base64.b64encode(b"stalled-consumer").decode()
    raw.sendall(
        f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n".encode()
    )
    head = b""
    while b"\r\n\r\n" not in head:
        head += raw.recv(1)  # byte by byte: nothing after the handshake's answer is read
    assert head.startswith(b"HTTP/1.1 101"), head
    return raw


def test_a_consumer_that_stops_reading_delays_neither_the_rest_api_nor_another_consumer(
    mock_server_url: str, rest: httpx.Client
) -> None:
    source = str(
        rest.post("/inventory/managedObjects", json={"name": "slow"}, headers={"Accept": "*/*"}).json()["id"]
    )
    body = {"subscription": "slowAndFast", "context": "mo", "source": {"id": source}}
    assert rest.post("/notification2/subscriptions", json=body).status_code == 201

    def consumer_path(subscriber: str) -> str:
        request = {"subscriber": subscriber, "subscription": "slowAndFast"}
        token = rest.post("/notification2/token", json=request).json()["token"]
        return f"/notification2/consumer/?token={token}"

    big = {"v": {"value": 1}, "blob": "x" * 100_000}
    stalled = stalled_consumer(mock_server_url, consumer_path("stalled"))
    try:
        with connect(ws_url(mock_server_url, consumer_path("reader")), open_timeout=WAIT_S) as reader:
            deadline = time.monotonic() + WAIT_S
            while rest.get("/_mock/state").json()["counts"]["notificationConsumers"] < 2:
                assert time.monotonic() < deadline, "the two consumers never counted as connected"
                time.sleep(0.02)  # polling interval of a bounded readiness probe
            for _ in range(40):  # 4 MB for the stalled consumer, far beyond the socket buffers
                measurement = {
                    "source": {"id": source},
                    "time": "2024-01-01T00:00:00Z",
                    "type": "t",
                    "f": big,
                }
                answer = rest.post("/measurement/measurements", json=measurement, headers={"Accept": "*/*"})
                assert answer.status_code == 201
                frame = reader.recv(timeout=WAIT_S)
                reader.send(frame.split("\n", 1)[0])
                assert json.loads(frame.split("\n")[-1])["id"] == answer.json()["id"]
            counts = rest.get("/_mock/state").json()["counts"]
            assert counts["notificationConsumers"] == 2
            assert counts["notificationBacklog"] == 40  # the stalled subscriber's, none acknowledged
    finally:
        stalled.close()
    rest.delete(f"/inventory/managedObjects/{source}")
