"""Error answers and roles on every API: status, media type and error name of each error, the 401
challenge, and a read-only second credential (``--readonly-user``) that may read but not write.

Every request names only resources the run created (ids it deleted itself stand in for unknown
ids), so a write that a faulty target wrongly accepts still touches nothing foreign.
"""

from __future__ import annotations

from typing import Any

from contracts import answers
from contracts.answers import Expected, judge
from contracts.checks import RunContext, check
from contracts.client import Client, Credentials, Response
from contracts.failures import ContractFailure, NotRun
from contracts.suites.common import MEAS, SERIES, create, fetch_all, new_source
from contracts.suites.dtm import INSTANCES, MODELS, new_instance, new_model


class AsUser:
    """The run's one client (its guard and transport) sending with other credentials."""

    def __init__(self, client: Client, credentials: Credentials) -> None:
        self.client = client
        self.header = credentials.header()

    def request(
        self, method: str, path: str, *, headers: dict[str, str] | None = None, **kw: Any
    ) -> Response:
        kw.pop("auth", None)
        sent = {"Authorization": self.header, **(headers or {})}
        return self.client.request(method, path, auth=False, headers=sent, **kw)

    def get(self, path: str, **kw: Any) -> Response:
        return self.request("GET", path, **kw)

    def post(self, path: str, body: Any = None, **kw: Any) -> Response:
        return self.request("POST", path, json_body=body, **kw)

    def delete(self, path: str, **kw: Any) -> Response:
        return self.request("DELETE", path, **kw)

    def close(self) -> None:
        """Nothing to close: the run's client stays open."""


CHALLENGE = 'Basic realm="Cumulocity"'
X_CHALLENGE = 'XBasic realm="Cumulocity"'


def gone_measurement(ctx: RunContext) -> tuple[str, str]:
    """A source of the run's own and the id of a measurement the run created and deleted."""
    src = new_source(ctx, "errors")
    m = create(ctx, {"source": {"id": src}, "type": f"{ctx.prefix}_err", "time": "2021-03-04T10:00:00.000Z"})
    ctx.client.delete(f"{MEAS}/{m['id']}")
    return src, m["id"]


@check("MEAS-ERROR-2")
def every_measurement_error_has_its_status_media_type_and_name(ctx: RunContext) -> None:
    src, gone = gone_measurement(ctx)
    cases: list[tuple[str, str, dict[str, Any], Any, int, list[str]]] = [
        ("GET", f"{MEAS}/{gone}", {}, None, 404, [gone]),
        ("DELETE", f"{MEAS}/{gone}", {}, None, 404, [gone]),
        ("GET", f"{MEAS}/not-a-digit-id", {}, None, 404, ["not-a-digit-id"]),
        ("GET", MEAS, {"source": src, "pageSize": "0"}, None, 400, ["pageSize"]),
        ("GET", MEAS, {"source": src, "currentPage": "0"}, None, 400, ["currentPage"]),
        ("GET", MEAS, {"source": src, "dateFrom": "yesterday"}, None, 400, ["dateFrom"]),
        ("GET", MEAS, {"source": src, "revert": "maybe"}, None, 400, ["revert"]),
        ("GET", SERIES, {"dateFrom": "2021-01-01", "dateTo": "2021-01-02"}, None, 400, ["source"]),
        (
            "GET",
            SERIES,
            {"source": src, "dateFrom": "2021-01-01", "dateTo": "2021-01-02", "aggregationType": "WEEKLY"},
            None,
            400,
            ["aggregationType"],
        ),
        ("POST", MEAS, {}, {"source": {"id": src}, "type": f"{ctx.prefix}_err"}, 422, ["time"]),
        ("DELETE", MEAS, {"type": f"{ctx.prefix}_err"}, None, 422, []),
    ]
    for method, path, params, body, status, naming in cases:
        response = ctx.client.request(method, path, params=params, json_body=body)
        judge(response, answers.error("measurement", status, naming=naming), f"{method} {path} {params}")


def wrong_credentials(ctx: RunContext) -> Credentials:
    creds = ctx.client.credentials
    if creds.token:
        return Credentials(token=creds.token + "-not-a-token")
    return Credentials(creds.user, (creds.password or "") + "-wrong", creds.tenant)


def check_challenges(ctx: RunContext, paths: list[str]) -> None:
    wrong = AsUser(ctx.client, wrong_credentials(ctx))
    try:
        for path in paths:
            for client, auth, extra, challenge in (
                (wrong, True, {}, CHALLENGE),
                (ctx.client, False, {}, CHALLENGE),
                (wrong, True, {"UseXBasic": "true"}, X_CHALLENGE),
            ):
                response = client.get(path, auth=auth, headers=extra)
                what = f"GET {path} with {'wrong' if auth else 'no'} credentials {extra or ''}"
                judge(response, answers.error("security", 401), what)
                got = response.headers.get("www-authenticate")
                if got != challenge:
                    raise ContractFailure(
                        "MissingAuthChallenge",
                        f"{what}: WWW-Authenticate: {challenge}",
                        f"{got}",
                        request=response.request,
                    )
    finally:
        wrong.close()


@check("MEAS-ROLE-1")
def wrong_credentials_are_challenged_on_the_measurement_api(ctx: RunContext) -> None:
    check_challenges(ctx, ["/measurement", MEAS, f"{MEAS}/1", SERIES])


@check("DTM-ROLE-1")
def wrong_credentials_are_challenged_on_the_dtm_api(ctx: RunContext) -> None:
    check_challenges(ctx, [MODELS, INSTANCES, f"{MODELS}/1", f"{INSTANCES}/1"])


def reader(ctx: RunContext) -> AsUser:
    user, password = ctx.credentials_args.get("readonly_user"), ctx.credentials_args.get("readonly_password")
    if not user:
        raise NotRun("not applicable: no --readonly-user was given, so the read-only role cannot be checked")
    creds = Credentials(user, password or "", ctx.credentials_args.get("tenant"))
    return AsUser(ctx.client, creds)


def refused(response: Response, what: str) -> None:
    if 200 <= response.status < 300:
        raise ContractFailure(
            "ForbiddenWriteAccepted",
            f"{what} by a read-only user: 403",
            repr(response),
            request=response.request,
        )
    judge(response, answers.error("security", 403), f"{what} by a read-only user")


def read(response: Response, what: str) -> None:
    if response.status != 200:
        raise ContractFailure(
            "ReadRefused", f"{what} by a read-only user: 200", repr(response), request=response.request
        )


@check("MEAS-ROLE-2")
def a_read_only_user_reads_but_cannot_write_measurements(ctx: RunContext) -> None:
    client = reader(ctx)
    try:
        src = new_source(ctx, "roles")
        m = create(
            ctx, {"source": {"id": src}, "type": f"{ctx.prefix}_role", "time": "2021-03-04T10:00:00.000Z"}
        )
        for path, params in (
            ("/measurement", {}),
            (MEAS, {"source": src}),
            (f"{MEAS}/{m['id']}", {}),
            (SERIES, {"source": src, "dateFrom": "2021-03-04", "dateTo": "2021-03-05"}),
        ):
            read(client.get(path, params=params), f"GET {path}")
        body = {"source": {"id": src}, "type": f"{ctx.prefix}_role", "time": "2021-03-04T11:00:00.000Z"}
        refused(client.post(MEAS, body), "POST /measurement/measurements")
        refused(client.delete(f"{MEAS}/{m['id']}"), f"DELETE {MEAS}/{m['id']}")
        refused(client.delete(MEAS, params={"source": src}), "DELETE /measurement/measurements?source=...")
        left, listing = fetch_all(ctx, {"source": src})
        if len(left) != 1:
            raise ContractFailure(
                "ForbiddenWriteAccepted",
                "the 1 measurement unchanged",
                f"{len(left)}",
                request=listing.request,
            )
    finally:
        client.close()


@check("DTM-ROLE-2")
def a_read_only_user_reads_but_cannot_write_assets(ctx: RunContext) -> None:
    client = reader(ctx)
    try:
        model = new_model(ctx, "roles", properties=[{"key": "n", "type": "NUMBER"}])
        instance = new_instance(ctx, model["id"], "roles")
        for path, params in (
            (MODELS, {"name": model["name"]}),
            (f"{MODELS}/{model['id']}", {}),
            (INSTANCES, {"model": model["id"]}),
            (f"{INSTANCES}/{instance['id']}", {}),
        ):
            read(client.get(path, params=params), f"GET {path}")
        writes = [
            ("POST", MODELS, {"name": f"{ctx.prefix}-roles-new"}),
            ("PUT", f"{MODELS}/{model['id']}", {"description": "changed"}),
            ("DELETE", f"{INSTANCES}/{instance['id']}", None),
            ("POST", INSTANCES, {"modelId": model["id"], "name": f"{ctx.prefix}-roles-new"}),
            ("PUT", f"{INSTANCES}/{instance['id']}", {"name": f"{ctx.prefix}-roles-changed"}),
            ("DELETE", f"{MODELS}/{model['id']}", None),
        ]
        for method, path, body in writes:
            response = client.request(method, path, json_body=body)
            if response.status == 201 and isinstance(response.json(), dict):
                target = ctx.tracker.models if path == MODELS else ctx.tracker.instances
                target.append(str(response.json().get("id")))
            refused(response, f"{method} {path}")
        for path, was in ((f"{MODELS}/{model['id']}", model), (f"{INSTANCES}/{instance['id']}", instance)):
            judge(ctx.client.get(path), Expected(200, body=was), f"GET {path} after the refused writes")
    finally:
        client.close()


@check("DTM-ERROR-1")
def every_dtm_error_has_its_status_media_type_and_name(ctx: RunContext) -> None:
    model = new_model(ctx, "errors", properties=[{"key": "n", "type": "NUMBER"}])
    child = new_instance(ctx, model["id"], "errors-gone")
    ctx.client.delete(f"{INSTANCES}/{child['id']}")
    cases: list[tuple[str, str, dict[str, Any], Any, int, list[str]]] = [
        ("GET", f"{INSTANCES}/{child['id']}", {}, None, 404, [child["id"]]),
        ("DELETE", f"{INSTANCES}/{child['id']}", {}, None, 404, [child["id"]]),
        ("GET", f"{MODELS}/{child['id']}0000", {}, None, 404, []),
        ("GET", INSTANCES, {"model": model["id"], "pageSize": "0"}, None, 400, ["pageSize"]),
        ("GET", MODELS, {"name": model["name"], "withTotalPages": "maybe"}, None, 400, ["withTotalPages"]),
        ("POST", MODELS, {}, {"name": model["name"]}, 409, []),
        (
            "POST",
            MODELS,
            {},
            {"name": f"{ctx.prefix}-bad", "properties": [{"key": "x", "type": "COLOUR"}]},
            422,
            ["properties[0].type"],
        ),
        (
            "POST",
            INSTANCES,
            {},
            {"modelId": model["id"], "name": f"{ctx.prefix}-bad", "properties": {"n": "1"}},
            422,
            ["properties.n"],
        ),
        ("DELETE", f"{MODELS}/{model['id']}", {}, None, 409, []),
    ]
    keep = new_instance(ctx, model["id"], "errors-keep")  # makes the model in use: its DELETE is a 409
    for method, path, params, body, status, naming in cases:
        response = ctx.client.request(method, path, params=params, json_body=body)
        if response.status == 201 and isinstance(response.json(), dict):
            (ctx.tracker.models if path == MODELS else ctx.tracker.instances).append(
                str(response.json().get("id"))
            )
        judge(response, answers.error("dtm", status, naming=naming), f"{method} {path} {params} {body or ''}")
    del keep
