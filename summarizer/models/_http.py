"""The HTTP library the openai client is built on: `httpx2` (openai>=3) or `httpx` (older).

Our transports and URL fetching use the same one, so one client stack serves both.
"""

try:
    import httpx2 as httpx
except ImportError:  # pragma: no cover - openai<3
    import httpx  # type: ignore[no-redef]

__all__ = ["httpx"]
