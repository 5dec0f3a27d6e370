"""The OpenAPI schema of /api/v1/, completed with the problem answers of every operation.

Every operation can answer with a problem body (``{type, title, status, detail, errors[]}``,
see :mod:`kefu.errors`) instead of its success response. The routers declare only their
success responses; :class:`KefuAPI` adds the problem responses to every operation in one
place, so the schema is a true description of what a client can get back (the fuzz test,
tests/core/test_api_fuzz.py, holds every answer to it).
"""

from __future__ import annotations

import threading

import ninja.openapi.schema
from ninja import NinjaAPI
from ninja.schema import NinjaGenerateJsonSchema

from kefu.core.urlindex import by_first_segment
from kefu.errors import PROBLEM_CONTENT_TYPE

PROBLEM_SCHEMA = {
    "title": "Problem",
    "description": "An error a person can act on (RFC 9457 style).",
    "type": "object",
    "properties": {
        "type": {"type": "string", "title": "Type"},
        "title": {"type": "string", "title": "Title"},
        "status": {"type": "integer", "title": "Status"},
        "detail": {"type": "string", "title": "Detail"},
        "errors": {
            "type": "array",
            "title": "Errors",
            "items": {"$ref": "#/components/schemas/ProblemFieldError"},
        },
        "permission": {
            "type": "string",
            "title": "Permission",
            "description": "The permission that was missing (403 only).",
        },
        "permissions": {
            "type": "array",
            "items": {"type": "string"},
            "title": "Permissions",
            "description": "Every permission any one of which would have done (403 only).",
        },
    },
    "required": ["type", "title", "status", "detail", "errors"],
}

FIELD_ERROR_SCHEMA = {
    "title": "ProblemFieldError",
    "type": "object",
    "properties": {
        "field": {"type": "string", "title": "Field"},
        "message": {"type": "string", "title": "Message"},
    },
    "required": ["field", "message"],
}

# What each problem status means, for every operation that needs a signed-in user.
SIGNED_IN_PROBLEMS = {
    400: "Invalid input: the body, a parameter or a business rule refused it.",
    401: "Not signed in, or the API token is not valid, has expired or was revoked.",
    403: "The user's roles do not grant the permission the operation needs.",
    404: "A row named in the path or the body does not exist (or is not visible).",
    409: "Conflict: the row changed state or was changed by someone else meanwhile.",
    503: "The database cannot be reached just now; nothing was written. Try again.",
}

# Operations without sign-in (health, public survey and mystery-customer links, CTI events).
PUBLIC_PROBLEMS = {
    400: "Invalid input, or a link that is not valid.",
    401: "The path token is not valid.",
    403: "The link or the path token does not allow this.",
    404: "A row named in the path or the body does not exist.",
    409: "Conflict: the link was already used.",
    410: "The link has expired.",
    429: "Too many requests from this address.",
    503: "The database cannot be reached just now; nothing was written. Try again.",
}

HTTP_METHODS = {"get", "put", "post", "patch", "delete", "head", "options", "trace"}


def document_problems(schema: dict) -> dict:
    """Add the problem responses to every operation of ``schema`` (in place; returned).

    A status an operation already documents (e.g. the import's row report on 400) is kept.
    """
    schemas = schema.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Problem", PROBLEM_SCHEMA)
    schemas.setdefault("ProblemFieldError", FIELD_ERROR_SCHEMA)
    content = {PROBLEM_CONTENT_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for item in schema.get("paths", {}).values():
        for method, operation in item.items():
            if method not in HTTP_METHODS:
                continue
            problems = dict(SIGNED_IN_PROBLEMS if operation.get("security") else PUBLIC_PROBLEMS)
            if "multipart/form-data" in operation.get("requestBody", {}).get("content", {}):
                problems[413] = "The uploaded file is too large."
            responses = operation.setdefault("responses", {})
            for status, description in problems.items():
                if status not in responses and str(status) not in responses:
                    responses[status] = {"description": description, "content": content}
    return schema


# A naive time (``"08:00:00"``) is what the API sends and accepts; JSON Schema's ``time``
# format demands an offset, so such fields are described by a pattern instead.
TIME_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?$"


def _describe_times(node) -> None:
    if isinstance(node, dict):
        if node.get("format") == "time" and node.get("type") == "string":
            del node["format"]
            node["pattern"] = TIME_PATTERN
        for value in node.values():
            _describe_times(value)
    elif isinstance(node, list):
        for value in node:
            _describe_times(value)


class UniqueComponentNames(NinjaGenerateJsonSchema):
    """Gives every schema class its own component name across the whole API.

    django-ninja generates each operation's models separately and merges their
    definitions by bare class name, so two classes called ``Kind`` (tickets, follow-ups,
    incidents) or ``ContactIn`` (customers, tickets) overwrote each other and operations
    were documented with another app's body or enum. The first class to claim a name
    (in router order) keeps it; a later, different class gets its app's name in front
    (``IncidentsKind``).
    """

    names: dict[str, str] = {}  # component name -> the class (core ref) that owns it
    owners: dict[str, str] = {}  # core ref -> its component name

    def get_defs_ref(self, core_mode_ref):
        defs_ref = super().get_defs_ref(core_mode_ref)
        core_ref, mode = core_mode_ref
        choices = self._prioritized_defsref_choices[defs_ref]
        name = self.owners.get(core_ref)
        if name is None:
            name = choices[0]
            if self.names.get(name, core_ref) != core_ref:
                qualified = choices[2]  # e.g. kefu__incidents__api__Kind
                parts = qualified.split("__")
                app = parts[1].capitalize() if len(parts) > 2 and parts[0] == "kefu" else ""
                base = f"{app}{name}"
                name, n = base, 1
                while name in self.names:
                    n += 1
                    name = f"{base}{n}"
            self.names[name] = core_ref
            self.owners[core_ref] = name
        # The same class in both modes within one generation falls back to "Name-Input".
        self._prioritized_defsref_choices[defs_ref] = [name, f"{name}-{mode.title()}", *choices]
        return defs_ref


# ninja's OpenAPI builder looks the generator up in its module: use ours (schemas only).
ninja.openapi.schema.NinjaGenerateJsonSchema = UniqueComponentNames
_schema_lock = threading.Lock()


class KefuAPI(NinjaAPI):
    """NinjaAPI whose OpenAPI schema is complete: unique component names, every
    operation's problem responses, naive times described as they are sent; its URL patterns
    are grouped by first segment (kefu/core/urlindex.py)."""

    @property
    def urls(self):
        patterns, app_name, namespace = super().urls
        return by_first_segment(patterns), app_name, namespace

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        with _schema_lock:
            UniqueComponentNames.names.clear()
            UniqueComponentNames.owners.clear()
            schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        _describe_times(schema)
        return document_problems(schema)
