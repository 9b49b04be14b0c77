"""Job functions, one module per TIDAL area. Each is named in ``shared.catalog.OPERATIONS``."""
