#!/usr/bin/env python3
"""A synthetic manifest of N distinct files (and, unless ROOT is -, the files themselves).
Usage: make_manifest.py N ROOT|- OUT.json [SALT]  (SALT makes the names of a second, disjoint manifest)"""
import json, os, sys
n=int(sys.argv[1]); root=sys.argv[2]; out=sys.argv[3]; salt=sys.argv[4] if len(sys.argv)>4 else ''
paths={}
for i in range(n):
    d=f"/data/d{i//1000:03d}"
    p=f"{d}/f{i:06d}{salt}.txt"
    paths[p]={"type":"file","kinds":["read"],"why":["traced"],"count":1,"first":{"pid":100,"comm":"app"}}
    if root != '-':
        os.makedirs(root+d, exist_ok=True)
        with open(root+p,'w') as f: f.write("x"*100)
m={"schema_version":1,"tool":{"name":"pare","version":"0.1.0"},"target":{"root":"/","command":["app"]},
   "started_at":"2026-11-29T00:00:00.000Z","ended_at":"2026-11-29T00:00:01.000Z","complete":True,
   "incomplete_reasons":[],"drops":{},"truncated":0,"blind_spots":[],"paths":paths,"missing":{},"processes":{},"unbacked":{},"syscalls":["read"]}
json.dump(m,open(out,'w'),indent=1)
