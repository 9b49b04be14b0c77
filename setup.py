"""Packages of the distribution (metadata and dependencies are in setup.cfg).

The TIDAL emulator lives in ``tests/fake_tidal/`` in the checkout (tests import it from there) and is
shipped as the top-level package ``tidal_mcp_emulator`` so that ``tidal-mcp demo`` works from an
installed wheel; no ``tests`` package is installed. Everything in ``shared/ops/stack/`` (the Procfile and the
supervisord configurations the launchers run) ships as package data.
"""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["shared", "shared.*", "workers", "workers.*", "mcp_front", "mcp_front.*"]),
              "tidal_mcp_emulator"],
    package_dir={"tidal_mcp_emulator": "tests/fake_tidal"},
    package_data={"shared.ops": ["stack/*"]},
)
