#!/usr/bin/env python3
"""Built-in demo app: a #! script on env + python3 that reads its config,
checks for an optional file, and runs a shell tool — the cases pare must see."""
import json
import os
import subprocess
import sys

here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "config.json")) as f:
    config = json.load(f)
optional = os.path.exists(os.path.join(here, "optional.conf"))
today = subprocess.run(["date", "-u", "+%Y"], capture_output=True, text=True).stdout.strip()
print(f"{config['greeting']} (optional config: {optional}, year {today})", file=sys.stderr)
