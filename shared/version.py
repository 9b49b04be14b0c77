"""The version of tidal-mcp, in one place (setup.cfg, the MCP server info and `tidal-mcp --version` read it)."""

VERSION = "0.1.0"
