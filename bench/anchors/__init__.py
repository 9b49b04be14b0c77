"""Anchors the benchmarks measure tidal-mcp against, run side by side on the same emulator."""
