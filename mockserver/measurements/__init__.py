"""Measurements: validation, filters, the store with its time indexes, and series aggregation."""

from mockserver.measurements.filters import MeasurementFilter
from mockserver.measurements.rows import StoredMeasurements
from mockserver.measurements.series import SeriesQuery
from mockserver.measurements.store import MeasurementStore
from mockserver.measurements.validation import NormalisedMeasurement, validate_measurement

__all__ = [
    "MeasurementFilter",
    "MeasurementStore",
    "NormalisedMeasurement",
    "SeriesQuery",
    "StoredMeasurements",
    "validate_measurement",
]
