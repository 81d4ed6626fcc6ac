"""FastAPI's answers, as the Robopipe server (a FastAPI app) gives them.

`{"detail": "..."}` for an HTTPException (404 and the like), `{"detail": [ValidationError]}`
with 422 for a request that does not fit its schema; shared by the cameras' routes (`oak`)
and the controller's I/O routes (`oak_io`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

type Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class ValidationFailed(Exception):
    """A request the server refuses with 422; `errors` are ValidationError objects."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__(errors)
        self.errors = errors


class Answer(Exception):
    """Answer at once with this response (a 404 found deep in a lookup)."""

    def __init__(self, response: web.Response) -> None:
        super().__init__(response.status)
        self.response = response


def error(loc: list[str | int], msg: str, kind: str) -> dict[str, Any]:
    """One ValidationError: where, what, and pydantic's error type."""
    return {"loc": loc, "msg": msg, "type": kind}


def validation_response(errors: list[dict[str, Any]]) -> web.Response:
    """HTTPValidationError, as FastAPI answers it."""
    return web.json_response({"detail": errors}, status=422)


def detail_response(status: int, detail: str) -> web.Response:
    """FastAPI's HTTPException body."""
    return web.json_response({"detail": detail}, status=status)


async def guard(handler: Handler, request: web.Request) -> web.StreamResponse:
    """Run a handler, turning lookup answers and validation failures into responses."""
    try:
        return await handler(request)
    except Answer as answer:
        return answer.response
    except ValidationFailed as err:
        return validation_response(err.errors)


def number_in(value: Any, low: float | None, high: float | None) -> bool:
    """A JSON number (not a boolean) within the bounds (None: unbounded)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return (low is None or value >= low) and (high is None or value <= high)
