"""Metric labels stay bounded: TIDAL routes without ids."""

from __future__ import annotations


def test_tidal_routes_are_labelled_without_ids():
    import doctest

    from shared import metrics
    from shared.metrics import route_template

    assert doctest.testmod(metrics).failed == 0
    assert route_template("/v1/mixes/002b606e088c4fa6ece5ce16e63e4a/items") == "/v1/mixes/{id}/items"
    assert route_template("/v1/users/181741299/favorites/tracks") == "/v1/users/{id}/favorites/tracks"
    assert route_template("/v1/pages/genre_pop") == route_template("/v1/pages/genre_rock") == "/v1/pages/genre"
    assert route_template("/openapi/v2/tracks") == "/openapi/v2/tracks"
    assert route_template("/v1/search") == "/v1/search"
