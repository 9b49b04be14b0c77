"""The MCP front: tools over streamable HTTP and stdio, answered from the cache or the worker pool."""
