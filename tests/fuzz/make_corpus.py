#!/usr/bin/env python3
"""Writes the fuzz seed corpora, tests/fuzz/corpus/<target>/: a few valid and a
few broken inputs per target, all made here from scratch (nothing downloaded),
byte-for-byte reproducible. Run it after changing a target's input format;
the output is committed.  Usage: tests/fuzz/make_corpus.py
"""
import gzip
import hashlib
import io
import json
import shutil
import struct
import tarfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
CORPUS = HERE / "corpus"
MTIME = 1600000000

# Only the two end-of-archive blocks after the last member, not tarfile's
# 10 KiB record padding: smaller seeds fuzz faster.
tarfile.RECORDSIZE = tarfile.BLOCKSIZE


def put(target, name, data):
    d = CORPUS / target
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(data if isinstance(data, bytes) else data.encode())


# ---- decoder: struct pare_event (bpf/pare_events.h) + its strings ----------
HEADER = struct.Struct("<HBBIQIIIiiIQQI4H16sI")  # 88 bytes, as layout_check.cpp asserts
EV = {"exec": 1, "exec_fail": 2, "open": 3, "open_fail": 4, "mmap_exec": 5, "check": 6,
      "check_fail": 7, "fork": 8, "exit": 9, "blind": 10}


def record(kind, strings=(None, None, None, None), comm=b"app", flags=0, ret=0, dirfd=-100,
           syscall=0, aux=0, size=None, lens=None):
    body = b"".join(s + b"\0" for s in strings if s is not None)
    slot_lens = lens or [len(s) + 1 if s is not None else 0 for s in strings]
    total = HEADER.size + len(body) if size is None else size
    hdr = HEADER.pack(total, EV.get(kind, kind) if isinstance(kind, str) else kind, 0, flags,
                      123456789, 100, 101, 0, ret, dirfd, syscall, aux, 42, 2049, *slot_lens, comm, 0)
    return hdr + body


def decoder():
    put("decoder", "exec", record("exec", (b"/usr/bin/env", b"/usr/bin/python3.11", None, b"/usr/bin/python3")))
    put("decoder", "open", record("open", (b"lib/x.so", b"/usr/lib/x.so", b"/usr", None), syscall=257, aux=0o2000000))
    put("decoder", "open_fail", record("open_fail", (b"missing", None, b"/srv", None), ret=-2, dirfd=3, syscall=257))
    put("decoder", "check_nofollow", record("check", (b"/lib", b"/lib", None, None), flags=1 << 5, syscall=6))
    put("decoder", "fork_thread", record("fork", flags=1 << 7))
    put("decoder", "exit", record("exit", ret=3))
    put("decoder", "blind", record("blind", aux=1, comm=b"\xff\xfeio\x00"))
    put("decoder", "invalid_utf8", record("mmap_exec", (None, b"/srv/caf\xe9.so", None, None), comm=b"caf\xe9"))
    put("decoder", "bad_short", b"\x58\x00\x03")
    put("decoder", "bad_size_field", record("open", (b"/x", None, None, None), size=200))
    put("decoder", "bad_unterminated", record("open", (b"/x", None, None, None))[:-1] + b"y")
    put("decoder", "bad_slot_past_end", record("open", (b"/x", None, None, None), lens=[4096, 0, 0, 0]))
    put("decoder", "bad_type", record(200))


# ---- manifest ----------------------------------------------------------------
def manifest_doc(**extra):
    doc = {
        "schema_version": 1,
        "tool": {"name": "pare", "version": "0.1.0"},
        "target": {"root": "/", "command": ["/bin/sh", "-c", "ls"], "exit_status": 0, "lang": "C.UTF-8"},
        "started_at": "2026-11-28T20:00:00.000Z",
        "ended_at": "2026-11-28T20:00:01.000Z",
        "complete": True,
        "incomplete_reasons": [],
        "drops": {"open": 0},
        "truncated": 0,
        "blind_spots": [],
        "paths": {
            "/usr/bin/ls": {"type": "file", "kinds": ["exec"], "why": ["traced"], "count": 1,
                            "first": {"pid": 7, "comm": "sh"}},
            "/lib": {"type": "symlink", "kinds": ["traced"], "why": ["symlink on the way to /usr/lib/x"],
                     "target": "usr/lib"},
            "/proc/self/maps": {"type": "file", "kinds": ["read"], "pseudo": True},
        },
        "missing": {"/etc/ld.so.preload": {"kinds": ["checked"], "errors": ["ENOENT"], "count": 1}},
        "processes": {"/usr/bin/ls": {"execs": 1, "scripts": []}},
        "unbacked": {"memfd:x": {"kinds": ["exec"], "count": 1}},
    }
    doc.update(extra)
    return json.dumps(doc, indent=1)


def manifest():
    shutil.copy(REPO / "manifests/examples/shell-script.json", CORPUS / "manifest" / "example_shell_script.json")
    put("manifest", "small", manifest_doc())
    # Names that are not UTF-8, in the name encoding (common/name_encoding.h).
    put("manifest", "encoded_names", manifest_doc(
        paths={"\u0000/srv/caf%E9": {"type": "file", "kinds": ["read"], "why": ["traced"]},
               "\u0000/a%25b/%FF": {"type": "dir", "kinds": ["checked"]}},
        target={"root": "\u0000/r%E9", "command": ["\u0000%FF"], "pid": 1}))
    put("manifest", "bad_truncated", manifest_doc()[:300])
    put("manifest", "bad_types", manifest_doc(complete="yes", drops=[1, 2], paths={"/x": []}))
    put("manifest", "bad_version", manifest_doc(schema_version=2))
    put("manifest", "bad_relative_path", manifest_doc(paths={"etc/x": {"type": "file", "kinds": []}}))
    put("manifest", "bad_bad_escape", manifest_doc(paths={"\u0000/x%G1": {"type": "file", "kinds": []}}))
    put("manifest", "bad_deep", "[" * 200 + "]" * 200)
    put("manifest", "bad_pid", manifest_doc(target={"root": "/", "pid": 2 ** 40}))
    put("manifest", "bad_not_json", "schema_version: 1\n")


# ---- glob: "PATTERN\nPATH" ---------------------------------------------------------
def glob():
    cases = {
        "so_any_depth": "/usr/lib/**/*.so*\n/usr/lib/x86_64-linux-gnu/libc.so.6",
        "star_star_only": "**\n/a/b/c",
        "class": "/etc/[a-z]*.conf\n/etc/ld.so.conf",
        "negated_class": "/etc/[!a-c]?\n/etc/xy",
        "two_star_stars": "/a/**/b/**/c\n/a/x/b/y/z/c",
        "many_star_stars": "/**/**/**/**/**/x\n/a/a/a/a/a/a/a/a/a/a/a/a/y",
        "period": "/home/*/.*rc\n/home/u/.bashrc",
        "unterminated_class": "/[\n/[",
        "escape": "/a\\*b\n/a*b",
        "nul_split": "/usr/*/python3\0/usr/bin/python3",
        "literal": "/usr/share/zoneinfo/UTC\n/usr/share/zoneinfo/UTC",
    }
    for name, text in cases.items():
        put("glob", name, text)


# ---- resolve: flag byte (bit 0 follow_final) + "PATH\0BASE" (resolve_fuzz.cpp) -----
def resolve():
    cases = {
        "merged_usr": (1, "/lib/libc.so.6", "/"),
        "python_chain": (1, "/etc/alternatives/py", "/"),
        "relative_base": (1, "../bin/python3", "/usr/lib"),
        "climb_link": (1, "/up/etc/passwd", "/"),
        "climb_abs": (1, "/upabs", "/"),
        "loop": (1, "/loop1/x", "/"),
        "long_chain": (1, "/chain0/passwd", "/"),
        "self": (0, "self/self/self/dir/sub/parent/dir/file", "/"),
        "nofollow_final": (0, "/usr/bin/python3", "/"),
        "dangling": (1, "/dangling", "/"),
        "file_as_dir": (1, "/notdir/x/..", "/"),
        "dotdot_root": (1, "../../../../../etc/passwd", "/dir"),
        "host_path": (1, "/host/usr/bin", "/"),
    }
    for name, (flag, path, base) in cases.items():
        put("resolve", name, bytes([flag]) + path.encode() + b"\0" + base.encode())


# ---- tars ------------------------------------------------------------------
def tar_bytes(entries, compress=None):
    """ENTRIES: (name, kind, payload) with kind f(ile) d(ir) l(symlink) h(ard link)
    p(fifo) c(har device); payload is the content or the link target. An
    optional 4th item is a dict of pax headers (xattrs)."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        for e in entries:
            name, kind, payload = e[:3]
            ti = tarfile.TarInfo(name)
            ti.mtime, ti.uid, ti.gid, ti.uname, ti.gname = MTIME, 0, 0, "", ""
            ti.mode = 0o755 if kind == "d" else 0o644
            if len(e) > 3:
                ti.pax_headers = e[3]
            data = None
            if kind == "f":
                data = payload if isinstance(payload, bytes) else payload.encode()
                ti.size = len(data)
            elif kind == "d":
                ti.type = tarfile.DIRTYPE
            elif kind == "l":
                ti.type, ti.linkname, ti.mode = tarfile.SYMTYPE, payload, 0o777
            elif kind == "h":
                ti.type, ti.linkname = tarfile.LNKTYPE, payload
            elif kind == "p":
                ti.type = tarfile.FIFOTYPE
            elif kind == "c":
                ti.type, ti.devmajor, ti.devminor = tarfile.CHRTYPE, 1, 3
            t.addfile(ti, io.BytesIO(data) if data is not None else None)
    raw = buf.getvalue()
    if compress == "gzip":
        return gzip.compress(raw, mtime=0)
    return raw


BASE_LAYER = [
    ("etc/", "d", None),
    ("etc/passwd", "f", "root:x:0:0::/root:/bin/sh\n"),
    ("usr/", "d", None),
    ("usr/bin/", "d", None),
    ("usr/bin/app", "f", "#!/bin/sh\necho hi\n"),
    ("usr/lib/", "d", None),
    ("usr/lib/libx.so.1", "f", "\x7fELF"),
    ("usr/lib/libx.so", "l", "libx.so.1"),
    ("lib", "l", "usr/lib"),
    ("usr/bin/app-hard", "h", "usr/bin/app"),
]
UPPER_LAYER = [
    ("etc/.wh.passwd", "f", ""),
    ("usr/lib/.wh..wh..opq", "f", ""),
    ("usr/lib/liby.so", "f", "y"),
    ("srv/", "d", None),
    ("srv/data", "f", "upper\n", {"SCHILY.xattr.user.note": "kept"}),
]


def layer():
    put("layer", "base", tar_bytes(BASE_LAYER))
    put("layer", "whiteouts", tar_bytes(UPPER_LAYER))
    put("layer", "gzip", tar_bytes(BASE_LAYER[:5], "gzip"))
    put("layer", "special_files", tar_bytes([("dev/", "d", None), ("dev/null", "c", None), ("run/", "d", None),
                                             ("run/fifo", "p", None)]))
    put("layer", "absolute_names", tar_bytes([("/etc/", "d", None), ("/etc/hostname", "f", "box\n"), ("./a//b/", "d", None)]))
    # Hostile: each goes through a link the harness's lower layer planted
    # (esc -> ../../../outside, abs -> the outside dir, d/up -> ../..).
    put("layer", "hostile_dotdot", tar_bytes([("../outside/canary", "f", "pwned")]))
    put("layer", "hostile_through_link", tar_bytes([("esc/canary", "f", "pwned")]))
    put("layer", "hostile_hardlink", tar_bytes([("grab", "h", "abs/canary")]))
    put("layer", "hostile_own_link", tar_bytes([("x", "l", "/"), ("x/etc/evil", "f", "pwned")]))
    put("layer", "hostile_whiteout", tar_bytes([("esc/.wh.canary", "f", ""), ("d/up/.wh..wh..opq", "f", "")]))
    put("layer", "bad_whiteout_name", tar_bytes([(".wh..", "f", "")]))
    put("layer", "bad_truncated", tar_bytes(BASE_LAYER)[:1200])
    put("layer", "bad_not_tar", "not a tar at all\n")


def digest(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


# ---- docker save archives (the input is the outer tar) ---------------------------
def docker_config(layers):
    return json.dumps({
        "architecture": "amd64", "os": "linux",
        "config": {"Cmd": ["/usr/bin/app"], "Env": ["PATH=/usr/bin"]},
        "rootfs": {"type": "layers", "diff_ids": [digest(l) for l in layers]},
        "history": [{"created_by": "seed"} for _ in layers],
    }).encode()


def docker_legacy(layers, tags=("app:1",), config_override=None, extra=()):
    """docker save before 25: <id>/layer.tar, <sha>.json config, manifest.json."""
    config = config_override or docker_config(layers)
    cname = hashlib.sha256(config).hexdigest() + ".json"
    entries, names = [], []
    for i, l in enumerate(layers):
        lid = hashlib.sha256(b"layer%d" % i).hexdigest()
        entries += [(lid + "/", "d", None), (lid + "/VERSION", "f", "1.0"), (lid + "/layer.tar", "f", l)]
        names.append(lid + "/layer.tar")
    manifest = [{"Config": cname, "RepoTags": list(tags), "Layers": names}]
    entries += [(cname, "f", config), ("manifest.json", "f", json.dumps(manifest))]
    return tar_bytes(entries + list(extra))


def docker_blobs(layers):
    """docker save 25+: blobs/sha256/<hex>, one layer shared through a symlink."""
    config = docker_config(layers)
    entries = [("blobs/", "d", None), ("blobs/sha256/", "d", None)]
    for l in layers:
        entries.append(("blobs/sha256/" + digest(l)[7:], "f", l))
    entries.append(("blobs/sha256/" + digest(config)[7:], "f", config))
    entries.append(("shared/layer.tar", "l", "../blobs/sha256/" + digest(layers[0])[7:]))
    names = ["shared/layer.tar"] + ["blobs/sha256/" + digest(l)[7:] for l in layers[1:]]
    manifest = [{"Config": "blobs/sha256/" + digest(config)[7:], "RepoTags": ["app:2"], "Layers": names}]
    entries.append(("manifest.json", "f", json.dumps(manifest)))
    return tar_bytes(entries)


def docker_archive():
    base, upper = tar_bytes(BASE_LAYER), tar_bytes(UPPER_LAYER)
    put("docker_archive", "legacy_one_layer", docker_legacy([base]))
    put("docker_archive", "legacy_two_layers", docker_legacy([base, upper]))
    put("docker_archive", "gzip_layer", docker_legacy([tar_bytes(BASE_LAYER[:3], "gzip")]))
    put("docker_archive", "blobs_with_symlink", docker_blobs([base, upper]))
    put("docker_archive", "bad_no_manifest", tar_bytes([("x/layer.tar", "f", base)]))
    put("docker_archive", "bad_manifest_types", tar_bytes([("manifest.json", "f", '[{"Config": 3, "Layers": "x"}]')]))
    put("docker_archive", "bad_diff_id", docker_legacy([base], config_override=docker_config([upper])))
    put("docker_archive", "bad_symlink_escape", tar_bytes([
        ("manifest.json", "f", json.dumps([{"Config": "c.json", "Layers": ["l/layer.tar"]}])),
        ("c.json", "l", "../../outside/canary"), ("l/layer.tar", "l", "/etc/shadow")]))
    put("docker_archive", "bad_hostile_layer", docker_legacy([tar_bytes([("x", "l", "../../.."), ("x/outside/canary", "f", "pwned")])]))
    put("docker_archive", "bad_not_tar", "manifest.json\n")


# ---- OCI layouts in the oci_layout target's format (oci_input.h) -----------------
SEP = "\n--8<--\n"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_LAYER = "application/vnd.oci.image.layer.v1.tar"


def oci_input(index, blobs, tag=None):
    """INDEX and each blob are text with $i/#i references to blob i (which must come later)."""
    parts = ['{"imageLayoutVersion": "1.0.0"}', index] + blobs
    text = SEP.join(p if isinstance(p, str) else p.decode("latin-1") for p in parts)
    return ((f"tag:{tag}\n" if tag else "") + text).encode("latin-1")


def index_of(i, extra=""):
    return '{"schemaVersion": 2, "manifests": [{"mediaType": "%s", "digest": "$%d", "size": #%d%s}]}' % (
        OCI_MANIFEST, i, i, extra)


def manifest_of(config, layers, layer_type=OCI_LAYER):
    ls = ", ".join('{"mediaType": "%s", "digest": "$%d", "size": #%d}' % (layer_type, i, i) for i in layers)
    return ('{"schemaVersion": 2, "mediaType": "%s", "config": {"mediaType": '
            '"application/vnd.oci.image.config.v1+json", "digest": "$%d", "size": #%d}, "layers": [%s]}'
            % (OCI_MANIFEST, config, config, ls))


def oci_layout():
    base, upper = tar_bytes(BASE_LAYER), tar_bytes(UPPER_LAYER)
    cfg1, cfg2 = docker_config([base]).decode(), docker_config([base, upper]).decode()
    put("oci_layout", "one_layer", oci_input(index_of(0), [manifest_of(1, [2]), cfg1, base]))
    put("oci_layout", "two_layers", oci_input(index_of(0), [manifest_of(1, [2, 3]), cfg2, base, upper]))
    put("oci_layout", "gzip_layer", oci_input(index_of(0), [
        manifest_of(1, [2], OCI_LAYER + "+gzip"), cfg1, tar_bytes(BASE_LAYER[:4], "gzip")]))
    put("oci_layout", "tagged", oci_input(index_of(0, ', "annotations": {"org.opencontainers.image.ref.name": "v1"}'),
                                          [manifest_of(1, [2]), cfg1, base], tag="v1"))
    nested = ('{"schemaVersion": 2, "mediaType": "%s", "manifests": [{"mediaType": "%s", "digest": "$1", '
              '"size": #1, "platform": {"os": "linux", "architecture": "amd64"}}]}' % (OCI_INDEX, OCI_MANIFEST))
    put("oci_layout", "nested_index", oci_input(
        '{"schemaVersion": 2, "manifests": [{"mediaType": "%s", "digest": "$0"}]}' % OCI_INDEX,
        [nested, manifest_of(2, [3]), cfg1, base]))
    put("oci_layout", "docker_media_types", oci_input(index_of(0), [manifest_of(1, [2], "application/vnd.docker.image.rootfs.diff.tar"), cfg1, base]))
    put("oci_layout", "bad_missing_blob", oci_input(index_of(0).replace("$0", "sha256:" + "0" * 64).replace("#0", "7"), []))
    put("oci_layout", "bad_json", oci_input(index_of(0), ['{"schemaVersion": 2, "config": ']))
    put("oci_layout", "bad_media_type", oci_input(index_of(0), [manifest_of(1, [2], OCI_LAYER + "+encrypted"), cfg1, base]))
    put("oci_layout", "bad_hostile_layer", oci_input(index_of(0), [
        manifest_of(1, [2]), cfg1, tar_bytes([("x", "l", "../../.."), ("x/outside/canary", "f", "pwned")])]))
    put("oci_layout", "bad_index_loop", oci_input(
        '{"schemaVersion": 2, "manifests": [{"mediaType": "%s", "digest": "$0"}]}' % OCI_INDEX,
        ['{"schemaVersion": 2, "manifests": [{"digest": "sha256:%s", "platform": {"os": "linux", '
         '"architecture": "amd64"}}]}' % ("1" * 64)]))


def oci_archive_of(layers, extra=(), drop=(), gzip_layers=False):
    """An oci-archive (an OCI layout as one tar, as podman save writes it) of LAYERS
    (tar bytes); EXTRA entries are added after the layout's files, names in DROP left out."""
    blobs = list(layers)
    config = docker_config([l if not gzip_layers else gzip.decompress(l) for l in layers])
    layer_type = OCI_LAYER + ("+gzip" if gzip_layers else "")
    manifest = json.dumps({"schemaVersion": 2, "mediaType": OCI_MANIFEST,
                           "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                                      "digest": digest(config), "size": len(config)},
                           "layers": [{"mediaType": layer_type, "digest": digest(l), "size": len(l)}
                                      for l in blobs]}).encode()
    index = json.dumps({"schemaVersion": 2, "manifests": [{
        "mediaType": OCI_MANIFEST, "digest": digest(manifest), "size": len(manifest),
        "annotations": {"org.opencontainers.image.ref.name": "latest"}}]})
    entries = [("oci-layout", "f", '{"imageLayoutVersion": "1.0.0"}'), ("index.json", "f", index),
               ("blobs/", "d", None), ("blobs/sha256/", "d", None)]
    for b in [manifest, config] + blobs:
        entries.append(("blobs/sha256/" + digest(b)[7:], "f", b))
    entries = [e for e in entries if e[0] not in drop] + list(extra)
    return tar_bytes(entries)


def oci_archive():
    base, upper = tar_bytes(BASE_LAYER), tar_bytes(UPPER_LAYER)
    put("oci_archive", "one_layer", oci_archive_of([base]))
    put("oci_archive", "two_layers", oci_archive_of([base, upper]))
    put("oci_archive", "gzip_layer", oci_archive_of([tar_bytes(BASE_LAYER[:4], "gzip")], gzip_layers=True))
    put("oci_archive", "extra_entries", oci_archive_of([base], extra=[
        ("../escaped", "f", "x"), ("etc/passwd", "f", "root::0:0::/:/bin/sh\n"),
        ("blobs/sha256/../../../climbed", "f", "x")]))
    put("oci_archive", "bad_index_replaced", oci_archive_of([base], extra=[
        ("index.json", "f", '{"schemaVersion": 2, "manifests": []}')]))
    config = docker_config([base])
    put("oci_archive", "bad_blob_symlink", oci_archive_of([base], drop=("blobs/sha256/" + digest(config)[7:],), extra=[
        ("blobs/sha256/" + digest(config)[7:], "l", "/etc/passwd")]))
    put("oci_archive", "bad_no_index", oci_archive_of([base], drop=("index.json",)))
    put("oci_archive", "bad_hostile_layer", oci_archive_of([tar_bytes([("x", "l", "../../.."), ("x/outside/canary", "f", "pwned")])]))
    put("oci_archive", "bad_not_tar", "index.json\n")


def main():
    if CORPUS.exists():
        shutil.rmtree(CORPUS)
    for target in ("decoder", "manifest", "glob", "resolve", "layer", "docker_archive", "oci_layout", "oci_archive"):
        (CORPUS / target).mkdir(parents=True)
    decoder()
    manifest()
    glob()
    resolve()
    layer()
    docker_archive()
    oci_layout()
    oci_archive()


if __name__ == "__main__":
    main()
