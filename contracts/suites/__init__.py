"""The semantic suites; importing this package registers every check with the runner."""

from contracts.suites import (  # noqa: F401
    dtm,
    links,
    measurements,
    paging,
    realtime,
    schema,
    series,
    statemachine,
)
