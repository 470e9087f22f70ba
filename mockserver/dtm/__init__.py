"""Digital Twin Manager: asset models, asset instances, smart functions and CSV import.

Pure domain code (no HTTP): :class:`~mockserver.dtm.store.DtmStore` is what the handlers call.
"""
