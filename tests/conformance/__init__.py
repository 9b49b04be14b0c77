"""MCP conformance checks against the real front: the official conformance suite and the Inspector CLI.

Run with ``python -m tests.conformance`` (or ``make conformance``); see docs/operations.md.
"""
