"""A tool's JSON input schema as rows of an argument table: type, required or default, bounds, description."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

Schema = dict[str, Any]


@dataclass(frozen=True)
class Argument:
    """One row of an argument table."""

    name: str
    type: str
    required: bool
    default: str | None
    constraints: list[str]
    description: str


def _resolve(schema: Schema, root: Schema) -> Schema:
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        return {
            **root.get("$defs", {}).get(ref.rsplit("/", 1)[-1], {}),
            **{k: v for k, v in schema.items() if k != "$ref"},
        }
    return schema


def _branches(schema: Schema, root: Schema) -> tuple[list[Schema], bool]:
    """The non-null alternatives of a schema, and whether null is allowed."""
    schema = _resolve(schema, root)
    options = schema.get("anyOf") or schema.get("oneOf")
    if not options:
        return [schema], schema.get("type") == "null"
    resolved = [_resolve(option, root) for option in options]
    kept = [option for option in resolved if option.get("type") != "null"]
    return kept, len(kept) < len(resolved)


def type_of(schema: Schema, root: Schema) -> str:
    """``integer``, ``array of string``, ``string or null``, the title of an object model, ..."""
    kept, nullable = _branches(schema, root)
    names = [_single_type(option, root) for option in kept]
    return " or ".join([*names, "null"] if nullable else names)


def _single_type(schema: Schema, root: Schema) -> str:
    kind = schema.get("type")
    if kind == "array":
        return f"array of {type_of(schema.get('items', {}), root)}" if schema.get("items") else "array"
    if kind == "object" or "properties" in schema:
        return str(schema.get("title") or "object")
    if isinstance(kind, list):
        return " or ".join(str(k) for k in kind)
    if kind is None and "enum" in schema:
        return "enum"
    return str(kind or "any")


def _code(value: Any) -> str:
    return f"`{json.dumps(value, ensure_ascii=False)}`"


def _bounds(low: Any, high: Any, unit: str = "") -> str | None:
    if low is None and high is None:
        return None
    if low is None:
        return f"≤ {high}{unit}"
    if high is None:
        return f"≥ {low}{unit}"
    return f"{low}–{high}{unit}"


def constraints_of(schema: Schema, root: Schema) -> list[str]:
    """Bounds, lengths, patterns and allowed values (of the items too, for an array)."""
    found: list[str] = []
    for option in _branches(schema, root)[0]:
        if "enum" in option:
            found.append("one of " + ", ".join(_code(v) for v in option["enum"]))
        if "const" in option:
            found.append(f"always {_code(option['const'])}")
        for text in (
            _bounds(option.get("minimum"), option.get("maximum")),
            _bounds(option.get("exclusiveMinimum"), option.get("exclusiveMaximum"), " (exclusive)"),
            _bounds(option.get("minLength"), option.get("maxLength"), " characters"),
            _bounds(option.get("minItems"), option.get("maxItems"), " items"),
        ):
            if text:
                found.append(text)
        if "pattern" in option:
            found.append(f"pattern `{option['pattern']}`")
        if option.get("uniqueItems"):
            found.append("unique items")
        if isinstance(option.get("items"), dict):
            found.extend(f"each {text}" for text in constraints_of(option["items"], root))
    return found


def _description(schema: Schema, root: Schema) -> str:
    if schema.get("description"):
        return str(schema["description"])
    for option in _branches(schema, root)[0]:
        if option.get("description"):
            return str(option["description"])
    return ""


def arguments(input_schema: Schema) -> list[Argument]:
    """The rows for every property of a tool's input schema, in declaration order."""
    required = set(input_schema.get("required", []))
    rows = []
    for name, prop in input_schema.get("properties", {}).items():
        default = None if name in required or "default" not in prop else _code(prop["default"])
        rows.append(
            Argument(
                name,
                type_of(prop, input_schema),
                name in required,
                default,
                constraints_of(prop, input_schema),
                _description(prop, input_schema),
            )
        )
    return rows
