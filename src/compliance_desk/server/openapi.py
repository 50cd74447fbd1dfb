"""The sync service's OpenAPI 3.0 description, served at /openapi.json.

Written by hand (the app is plain Starlette): it is the contract a fuzzer checks the server
against (tests/test_sync_fuzz.py), so it says what a well-formed request is and every answer
the server may give; anything else the server must refuse with a 4xx and change nothing.
"""

from __future__ import annotations

from typing import Any

from compliance_desk import __version__
from compliance_desk.server.leases import MAX_REQUESTS as MAX_LEASE_REQUESTS
from compliance_desk.sync.protocol import MAX_CLOSE, MAX_PUSH

_HEX64 = {"type": "string", "pattern": "^[0-9a-f]{64}$"}
_UUID = {"type": "string", "format": "uuid"}
_ERROR = {
    "description": "refused, with a message in plain words",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
}


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": schema}}}


def _ok(schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": "done", **_json(schema)}


def _errors(*codes: str) -> dict[str, Any]:
    return {code: _ERROR for code in codes}


_DEVICE = [{"name": "X-Device-Id", "in": "header", "required": True, "schema": _UUID}]
_SECURED: dict[str, Any] = {"security": [{"device": []}], "parameters": _DEVICE}

_OP = {
    "type": "object",
    "required": ["id", "table", "row_id", "kind", "payload", "at"],
    "properties": {
        "id": _UUID,
        "table": {"type": "string", "maxLength": 60},
        "row_id": _UUID,
        "kind": {"type": "string", "enum": ["insert", "update", "delete", "restore"]},
        "base_version": {"type": "integer", "nullable": True},
        "command": {"type": "string", "nullable": True},
        "payload": {"type": "object"},
        "user_id": {**_UUID, "nullable": True},
        "at": {"type": "string", "format": "date-time"},
    },
}

DOCUMENT: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "Compliance Desk sync service", "version": __version__},
    "components": {
        "securitySchemes": {"device": {"type": "http", "scheme": "bearer"}},
        "schemas": {
            "Error": {
                "type": "object",
                "required": ["error", "message_zh", "message_en"],
                "properties": {
                    "error": {"type": "string"},
                    "message_zh": {"type": "string"},
                    "message_en": {"type": "string"},
                    "received": {"type": "integer"},
                },
            },
        },
    },
    "paths": {
        "/health": {
            "get": {
                "responses": {
                    "200": _ok(
                        {
                            "type": "object",
                            "required": ["status"],
                            "properties": {"status": {"type": "string"}},
                        }
                    ),  # fmt: skip
                }
            }
        },
        "/v1/enrol": {
            "post": {
                "requestBody": {
                    "required": True,
                    **_json(
                        {
                            "type": "object",
                            "required": ["username", "password", "device_id"],
                            "properties": {
                                "username": {"type": "string"},
                                "password": {"type": "string"},
                                "device_id": _UUID,
                                "device_name": {"type": "string"},
                            },
                        }
                    ),
                },  # fmt: skip
                "responses": {
                    "200": _ok({"type": "object", "required": ["token", "server_epoch"]}),
                    **_errors("400", "403"),
                },
            }
        },
        "/v1/handshake": {
            "post": {
                **_SECURED,
                "requestBody": {
                    "required": True,
                    **_json(
                        {
                            "type": "object",
                            "required": ["protocol", "schema_revision", "device_id"],
                            "properties": {
                                "protocol": {"type": "integer"},
                                "app_version": {"type": "string"},
                                "schema_revision": {"type": "string"},
                                "device_id": _UUID,
                                "device_time": {"type": "string", "format": "date-time"},
                                "pull_after": {"type": "integer", "minimum": 0},
                            },
                        }
                    ),
                },  # fmt: skip
                "responses": {
                    "200": _ok({"type": "object", "required": ["server_epoch", "server_time"]}),
                    **_errors("400", "401", "403", "426"),
                },
            }
        },
        "/v1/push": {
            "post": {
                **_SECURED,
                # a page's token and the one sent before it, not yet answered: applied after
                # that one has committed, or refused (409 out_of_order); server/push_order.py
                "parameters": [
                    *_DEVICE,
                    {"name": "X-Push-Page", "in": "header", "schema": _UUID},
                    {"name": "X-Push-After", "in": "header", "schema": _UUID},
                ],
                "requestBody": {
                    "required": True,
                    **_json(
                        {
                            "type": "object",
                            "required": ["ops"],
                            "properties": {
                                "ops": {"type": "array", "items": _OP, "maxItems": MAX_PUSH}
                            },
                        }
                    ),
                },  # fmt: skip
                "responses": {
                    "200": _ok({"type": "object", "required": ["results", "server_epoch"]}),
                    **_errors("400", "401", "403", "409", "413"),
                },
            }
        },
        "/v1/pull": {
            "get": {
                **_SECURED,
                "parameters": [
                    *_DEVICE,
                    {"name": "after", "in": "query", "schema": {"type": "integer", "minimum": 0}},
                    {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                    # rows as SQLite stores them (sync/pull_stored.py); any other value or none:
                    # the page as before
                    {
                        "name": "form",
                        "in": "query",
                        "schema": {"type": "string", "enum": ["stored"]},
                    },
                ],
                "responses": {
                    "200": _ok(
                        {
                            "type": "object",
                            "required": ["changes", "last_seq", "more"],
                            "properties": {
                                "form": {"type": "string"},
                                "columns": {"type": "object"},
                            },
                        }
                    ),
                    **_errors("400", "401", "403"),
                },
            }
        },
        "/v1/leases": {
            "post": {
                **_SECURED,
                "requestBody": {
                    "required": True,
                    **_json(
                        {
                            "type": "object",
                            "required": ["requests"],
                            "properties": {
                                "requests": {
                                    "type": "array",
                                    "maxItems": MAX_LEASE_REQUESTS,
                                    "items": {
                                        "type": "object",
                                        "required": ["id", "series", "year", "count"],
                                        "properties": {
                                            "id": _UUID,
                                            "series": {"type": "string"},
                                            "year": {"type": "integer"},
                                            "count": {"type": "integer", "minimum": 1},
                                            "days": {"type": "integer", "minimum": 1},
                                        },
                                    },
                                }
                            },
                        }
                    ),
                },  # fmt: skip
                "responses": {
                    "200": _ok({"type": "object", "required": ["leases"]}),
                    **_errors("400", "401", "403"),
                },
            }
        },
        "/v1/prepare": {
            "get": {
                **_SECURED,
                "parameters": [
                    *_DEVICE,
                    {
                        "name": "date",
                        "in": "query",
                        "required": True,
                        "schema": {"type": "string", "format": "date"},
                    },
                ],
                "responses": {
                    "200": _ok({"type": "object", "required": ["date", "inspections", "changes"]}),
                    **_errors("400", "401", "403"),
                },
            }
        },
        "/v1/conflicts/closed": {
            "post": {
                **_SECURED,
                "requestBody": {
                    "required": True,
                    **_json(
                        {
                            "type": "object",
                            "required": ["ids"],
                            "properties": {
                                "ids": {"type": "array", "items": _UUID, "maxItems": MAX_CLOSE}
                            },
                        }
                    ),
                },  # fmt: skip
                "responses": {
                    "200": _ok(
                        {
                            "type": "object",
                            "required": ["closed"],
                            "properties": {"closed": {"type": "integer", "minimum": 0}},
                        }
                    ),  # fmt: skip
                    **_errors("400", "401", "403"),
                },
            }
        },
        "/v1/blobs/status": {
            "post": {
                **_SECURED,
                "requestBody": {
                    "required": True,
                    **_json(
                        {
                            "type": "object",
                            "required": ["hashes"],
                            "properties": {
                                "hashes": {"type": "array", "items": _HEX64, "maxItems": 500}
                            },
                        }
                    ),
                },  # fmt: skip
                "responses": {
                    "200": _ok({"type": "object", "required": ["blobs"]}),
                    **_errors("400", "401", "403"),
                },
            }
        },
        "/v1/blobs/{sha}": {
            "parameters": [{"name": "sha", "in": "path", "required": True, "schema": _HEX64}],
            "get": {
                **_SECURED,
                "responses": {
                    "200": {
                        "description": "the file",
                        "content": {
                            "application/octet-stream": {
                                "schema": {"type": "string", "format": "binary"}
                            }
                        },
                    },  # fmt: skip
                    **_errors("400", "401", "403", "404"),
                },
            },
            "put": {
                **_SECURED,
                "parameters": [
                    *_DEVICE,
                    {
                        "name": "offset",
                        "in": "query",
                        "required": True,
                        "schema": {"type": "integer", "minimum": 0},
                    },
                    {
                        "name": "total",
                        "in": "query",
                        "required": True,
                        "schema": {"type": "integer", "minimum": 0},
                    },
                    {"name": "X-Chunk-Sha256", "in": "header", "required": True, "schema": _HEX64},
                ],  # fmt: skip
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/octet-stream": {
                            "schema": {"type": "string", "format": "binary"}
                        }
                    },
                },  # fmt: skip
                "responses": {
                    "200": _ok({"type": "object", "required": ["received", "complete"]}),
                    **_errors("400", "401", "403", "409", "413", "422"),
                },
            },
        },
    },
}
