"""The semantic suites; importing this package registers every check with the runner."""

from contracts.suites import (  # noqa: F401
    alarm_rollup,
    alarm_writes,
    alarms,
    dtm,
    links,
    measurements,
    paging,
    schema,
    series,
    statemachine,
)
