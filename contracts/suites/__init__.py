"""The semantic suites; importing this package registers every check with the runner."""

from contracts.suites import (  # noqa: F401
    access,
    alarm_rollup,
    alarm_writes,
    alarms,
    dtm,
    dtm_answers,
    dtm_machine,
    links,
    measurements,
    paging,
    queries,
    realtime,
    realtime_websocket,
    schema,
    series,
    series_queries,
    statemachine,
    writes,
)
