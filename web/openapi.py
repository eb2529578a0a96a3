"""The app's OpenAPI document, with the error body the server really sends.

FastAPI documents request validation errors (422) with its own ``HTTPValidationError`` list
form; this app answers every error with :class:`web.schemas.ErrorBody`
(``{"detail": text, "errors": [{"path", "value", "allowed"}]}``). :func:`use_error_body_schema`
rewrites the generated document so that every 422 names ``ErrorBody`` and FastAPI's own
error schemas disappear, and documents the answers of the server's guard (403 for a foreign
Host or Origin, 413 for a body over the limit) on the operations they can reach.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from web.schemas import ERROR_MEANINGS, ErrorBody

_REF_PREFIX = "#/components/schemas/"
_DEFAULT_ERROR_SCHEMAS = ("HTTPValidationError", "ValidationError")
_UNREADABLE_BODY = "The body cannot be read (not JSON text, or not of the declared content type)."
#: Answered by the server's guard on any operation (``web.security``): a Host header that names
#: no host of this server, or a state-changing request from another site's page.
_FOREIGN_REQUEST = "Request from another site, or to a host name not of this server."
_BODY_TOO_LARGE = "The body is larger than the server accepts."


def _error_body_response(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"{_REF_PREFIX}ErrorBody"}}},
    }


def with_error_body(spec: dict[str, Any]) -> dict[str, Any]:
    """Return ``spec`` with every 4xx answer documented as JSON ``ErrorBody`` (FastAPI files
    them under a route's own media type, and 422 under its ``HTTPValidationError``), and the
    400 of an unreadable body documented on every operation that takes one.

    Parameters
    ----------
    spec
        An OpenAPI document as FastAPI generates it (changed in place).

    Returns
    -------
    dict[str, Any]
        The same document, without ``HTTPValidationError`` and ``ValidationError``.
    """
    for item in spec.get("paths", {}).values():
        for operation in item.values():
            responses = operation.get("responses", {}) if isinstance(operation, dict) else {}
            responses.setdefault("403", _error_body_response(_FOREIGN_REQUEST))
            if "requestBody" in operation:
                responses.setdefault("400", _error_body_response(_UNREADABLE_BODY))
                responses.setdefault("413", _error_body_response(_BODY_TOO_LARGE))
            for status, answer in list(responses.items()):
                if not status.startswith("4"):
                    continue
                description = answer.get("description", "")
                if description in ("", "Validation Error"):
                    description = ERROR_MEANINGS.get(int(status), "Error.")
                responses[status] = _error_body_response(description)
    schemas = spec.setdefault("components", {}).setdefault("schemas", {})
    for name in _DEFAULT_ERROR_SCHEMAS:
        schemas.pop(name, None)
    body_schema = ErrorBody.model_json_schema(ref_template=_REF_PREFIX + "{model}")
    for name, definition in body_schema.pop("$defs", {}).items():
        schemas.setdefault(name, definition)
    schemas.setdefault("ErrorBody", body_schema)
    return spec


def use_error_body_schema(app: FastAPI) -> None:
    """Make ``app.openapi()`` return FastAPI's document with ``ErrorBody`` errors.

    The rewrite is idempotent, so it may run on FastAPI's cached document at every call.
    """
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        return with_error_body(generate())

    app.openapi = openapi  # type: ignore[method-assign]
