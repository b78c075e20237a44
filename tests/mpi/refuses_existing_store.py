"""Running a sweep onto an existing store fails with a clear message and exit
status 2 (a bad invocation, as README's exit statuses say) and leaves the store
byte-for-byte unchanged. argv: STORE COMMAND..."""
import hashlib
import subprocess
import sys

store, cmd = sys.argv[1], sys.argv[2:]
before = hashlib.sha256(open(store, "rb").read()).hexdigest()
p = subprocess.run(cmd, capture_output=True, text=True, timeout=240)
after = hashlib.sha256(open(store, "rb").read()).hexdigest()
if p.returncode != 2:
    sys.exit(f"refuses_existing_store: exit {p.returncode}, want 2 (bad invocation); stderr was:\n{p.stderr}")
if "already exists" not in p.stderr:
    sys.exit(f"refuses_existing_store: no clear message; stderr was:\n{p.stderr}")
if before != after:
    sys.exit("refuses_existing_store: the existing store was modified")
print(f"refuses_existing_store: exit {p.returncode}, store unchanged")
