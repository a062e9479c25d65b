#!/usr/bin/python3
"""Validate an SBOM against its JSON schema with Debian's python3-jsonschema,
then check the cross-references a schema cannot express (what spdx-tools'
and cyclonedx-python-lib's validators add; neither is packaged in Debian and
this machine has no PyPI).

usage: validate_json_schema.py SCHEMA DOC [REFERENCED_SCHEMA...]

REFERENCED_SCHEMAs are the files SCHEMA's $refs name (CycloneDX's bom schema
refers to spdx.schema.json and jsf-0.82.schema.json): they are served from
disk by their $id, never fetched. Exit 0 when valid; else the first errors on
stderr and exit 1.
"""
import json
import sys

import jsonschema


def spdx_problems(doc):
    """SPDX 2.3 rules beyond the schema: unique ids, references that resolve,
    what the document describes, files' SHA-1, package verification codes."""
    out = []
    if doc.get("spdxVersion") != "SPDX-2.3":
        out.append("spdxVersion is not SPDX-2.3")
    if doc.get("dataLicense") != "CC0-1.0":
        out.append("dataLicense is not CC0-1.0")
    if doc.get("SPDXID") != "SPDXRef-DOCUMENT":
        out.append("the document's SPDXID is not SPDXRef-DOCUMENT")
    ids = ["SPDXRef-DOCUMENT"]
    ids += [p["SPDXID"] for p in doc.get("packages", [])]
    ids += [f["SPDXID"] for f in doc.get("files", [])]
    seen = set()
    for i in ids:
        if i in seen:
            out.append("SPDXID %s is used twice" % i)
        seen.add(i)
    files = {f["SPDXID"]: f for f in doc.get("files", [])}
    for f in files.values():
        if not any(c.get("algorithm") == "SHA1" for c in f.get("checksums", [])):
            out.append("file %s has no SHA1 checksum (required by SPDX 2.3)" % f["SPDXID"])
    for p in doc.get("packages", []):
        for ref in p.get("hasFiles", []):
            if ref not in files:
                out.append("package %s hasFiles %s, which is no file of the document" % (p["SPDXID"], ref))
        if p.get("filesAnalyzed", True) and "packageVerificationCode" not in p:
            out.append("package %s is filesAnalyzed without a packageVerificationCode" % p["SPDXID"])
    special = {"NONE", "NOASSERTION"}
    describes = list(doc.get("documentDescribes", []))
    for r in doc.get("relationships", []):
        for end in ("spdxElementId", "relatedSpdxElement"):
            if r.get(end) not in seen and r.get(end) not in special:
                out.append("relationship %s names %s, which is not in the document" % (r.get("relationshipType"), r.get(end)))
        if r.get("relationshipType") == "DESCRIBES" and r.get("spdxElementId") == "SPDXRef-DOCUMENT":
            describes.append(r.get("relatedSpdxElement"))
    if not describes:
        out.append("the document describes nothing (no documentDescribes, no DESCRIBES relationship)")
    return out


def cyclonedx_problems(doc):
    """CycloneDX rules beyond the schema: bom-refs unique, dependencies name existing refs."""
    out = []
    refs = set()

    def walk(components):
        for c in components:
            ref = c.get("bom-ref")
            if ref is not None:
                if ref in refs:
                    out.append("bom-ref %s is used twice" % ref)
                refs.add(ref)
            walk(c.get("components", []))

    meta = doc.get("metadata", {}).get("component")
    if meta:
        walk([meta])
    walk(doc.get("components", []))
    for d in doc.get("dependencies", []):
        for ref in [d.get("ref")] + d.get("dependsOn", []):
            if ref not in refs:
                out.append("dependency names %s, which is no component's bom-ref" % ref)
    return out


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
    problems = spdx_problems(doc) if "spdxVersion" in doc else cyclonedx_problems(doc)
    for p in problems[:5]:
        print(p, file=sys.stderr)
    sys.exit(1 if errors or problems else 0)


main()
