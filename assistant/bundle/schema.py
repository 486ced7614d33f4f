"""Checks a bundle document against `bundle-v1.schema.json`, which refers to the connector-profile schema.

Messages name the member (`auth.client_id`) and the rule it breaks, but never echo the offending value: the
value could be a secret placed in the wrong member, and it ends up in a terminal or a ticket.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any, cast

import jsonschema
from referencing import Registry, Resource

from assistant.bundle.errors import BundleFormatError

_RESOURCES = "assistant.resources"
BUNDLE_SCHEMA = "bundle-v1.schema.json"
PROFILE_SCHEMA = "connector-profile.schema.json"


def validate(document: object) -> None:
    """Raises BundleFormatError naming the first (most relevant) violation."""
    error = jsonschema.exceptions.best_match(_validator().iter_errors(document))
    if error is not None:
        raise BundleFormatError(_describe(error), _field(list(error.absolute_path)))


def schema_text(name: str) -> str:
    return resources.files(_RESOURCES).joinpath("schemas", name).read_text(encoding="utf-8")


@cache
def _validator() -> jsonschema.Draft202012Validator:
    bundle = cast(dict[str, Any], json.loads(schema_text(BUNDLE_SCHEMA)))
    profile = cast(dict[str, Any], json.loads(schema_text(PROFILE_SCHEMA)))
    registry: Registry[Any] = Registry().with_resource(profile["$id"], Resource.from_contents(profile))
    return jsonschema.Draft202012Validator(bundle, registry=registry)


def _field(path: list[str | int]) -> str | None:
    name = ""
    for part in path:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return name or None


def _describe(error: jsonschema.ValidationError) -> str:
    rule, expected = error.validator, error.validator_value
    if rule == "required":
        missing = [name for name in expected if isinstance(error.instance, dict) and name not in error.instance]
        return f"lacks the required member {missing[0]!r}" if missing else "lacks a required member"
    if rule == "additionalProperties" and isinstance(error.instance, dict):
        allowed = set(error.schema.get("properties", {})) if isinstance(error.schema, dict) else set()
        extra = sorted(str(key) for key in error.instance if key not in allowed)
        return (
            f"has the member {_name(extra[0])}, which this format does not define" if extra else "has unknown members"
        )
    if "propertyNames" in error.relative_schema_path:
        return f"has the member {_name(str(error.instance))}, which is not allowed here"
    if rule == "const":
        return f"must be {json.dumps(expected)}"
    if rule == "enum":
        return "must be one of " + ", ".join(json.dumps(value) for value in cast(list[object], expected))
    if rule == "type":
        return f"must be of type {expected}"
    if rule in ("minLength", "maxLength", "minItems", "maxItems", "minimum", "maximum"):
        return {
            "minLength": f"shorter than {expected} characters",
            "maxLength": f"longer than {expected} characters",
            "minItems": f"has fewer than {expected} items",
            "maxItems": f"has more than {expected} items",
            "minimum": f"is below {expected}",
            "maximum": f"is above {expected}",
        }[str(rule)]
    if rule == "uniqueItems":
        return "lists an item twice"
    if rule == "pattern":
        hint = error.schema.get("description") if isinstance(error.schema, dict) else None
        return f"not in the expected form ({hint})" if hint else "not in the expected form"
    return f"breaks the schema rule {rule!r}"


def _name(key: str) -> str:
    shown = repr(key)
    return shown if len(shown) <= 40 else shown[:37] + "..."
