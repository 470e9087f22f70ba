"""Generic, spec-agnostic resource logic shared by the hand-written mock and generated mocks.

A generated mock project (``python -m generators mock``) describes each of its spec's
resources as plain data (:class:`ResourceSpec`) and serves them with :class:`ResourceStore`;
the hand-written mock can use the same pieces. Nothing here knows about HTTP: handlers pass
in the validated arguments and the request URL, and get plain data or a
:class:`mockserver.errors.MockError` back.
"""

from __future__ import annotations

from mockserver.errors import error_for_status
from mockserver.generic.canned import CannedResponses
from mockserver.generic.dispatch import OperationSpec, serve
from mockserver.generic.errorshape import ErrorShape
from mockserver.generic.spec import FilterSpec, ResourceSpec, ServerField, Variant
from mockserver.generic.store import ResourceStore
from mockserver.ids import IdFactory
from mockserver.paging import ListShape, PagingSpec, page_items

__all__ = [
    "CannedResponses",
    "ErrorShape",
    "FilterSpec",
    "IdFactory",
    "ListShape",
    "OperationSpec",
    "PagingSpec",
    "ResourceSpec",
    "ResourceStore",
    "ServerField",
    "Variant",
    "error_for_status",
    "page_items",
    "serve",
]
