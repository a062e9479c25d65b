#!/usr/bin/python3
"""Validate a JSON document against a JSON schema with Debian's python3-jsonschema.

usage: validate_json_schema.py SCHEMA DOC [REFERENCED_SCHEMA...]

REFERENCED_SCHEMAs are the files SCHEMA's $refs name (CycloneDX's bom schema
refers to spdx.schema.json and jsf-0.82.schema.json): they are served from
disk by their $id, never fetched. Exit 0 when valid; else the first errors on
stderr and exit 1.
"""
import json
import sys

import jsonschema


def main():
    schema = json.load(open(sys.argv[1]))
    doc = json.load(open(sys.argv[2]))
    store = {}
    for path in sys.argv[3:]:
        s = json.load(open(path))
        store[s["$id"]] = s
    cls = jsonschema.validators.validator_for(schema)
    resolver = jsonschema.RefResolver.from_schema(schema, store=store)
    v = cls(schema, resolver=resolver, format_checker=jsonschema.FormatChecker())
    errors = sorted(v.iter_errors(doc), key=lambda e: list(e.path))
    for e in errors[:5]:
        print("%s: %s" % ("/".join(str(p) for p in e.path), e.message[:400]), file=sys.stderr)
    sys.exit(1 if errors else 0)


main()
