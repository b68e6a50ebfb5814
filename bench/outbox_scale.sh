#!/usr/bin/env bash
# `pjm event` while the manager is down and the outbox is full: before sending, pjm looks for
# the job's earlier messages, which must go first. Outbox files are named ID_JOB.json, so that
# search reads the folder's names, not every message. Measured: one more `pjm event` queued
# (manager unreachable, --retries 0) behind 10 messages of other jobs, behind N named by job,
# and behind the same N under the old names (ID.json, which must each be read: as every file
# was before), runs alternating, medians of whole-process wall time.
#   PJM=build-bench/bin/pjm bench/outbox_scale.sh        (bench/run does this)
set -euo pipefail
PJM=${PJM:?PJM must point at the pjm binary}
N=${N:-2000}
RUNS=${RUNS:-21}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export HOME=$WORK
DOWN=http://127.0.0.1:9/actors/v2/bench/messages

python3 - "$N" >"$WORK/fill.ndjson" <<'PY'
import json, sys, uuid
for i in range(int(sys.argv[1])):
    u = "107" + uuid.uuid4().hex[3:8] + "-" + str(uuid.uuid4())[9:]
    print(json.dumps({"uuid": u, "name": "run", "token": "0123456789abcdef"}))
PY
for box in named legacy; do
    PJM_OUTBOX=$WORK/$box "$PJM" --url "$DOWN" --retries 0 event --batch "$WORK/fill.ndjson" >/dev/null 2>&1 || true
done
head -10 "$WORK/fill.ndjson" >"$WORK/ten.ndjson"
PJM_OUTBOX=$WORK/small "$PJM" --url "$DOWN" --retries 0 event --batch "$WORK/ten.ndjson" >/dev/null 2>&1 || true
# The same messages under the names an older pjm gave them.
for f in "$WORK"/legacy/*_*.json; do mv "$f" "${f%%_*}.json"; done
echo "outbox: $(ls "$WORK/small" | wc -l) and $(ls "$WORK/named" | wc -l) files named by job, $(ls "$WORK/legacy" | wc -l) under the old names"

python3 - "$PJM" "$WORK" "$RUNS" "$DOWN" <<'PY'
import os, statistics, subprocess, sys, time, uuid
pjm, work, runs, down = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
def once(box):
    job = "107" + uuid.uuid4().hex[3:8] + "-" + str(uuid.uuid4())[9:]
    env = dict(os.environ, PJM_OUTBOX=f"{work}/{box}")
    t = time.perf_counter()
    r = subprocess.run([pjm, "--url", down, "--retries", "0", "event", "update", job,
                        "--token", "0123456789abcdef"], env=env, capture_output=True, text=True)
    took = time.perf_counter() - t
    assert r.returncode == 75, (r.returncode, r.stderr)
    return took
t = {"small": [], "named": [], "legacy": []}
for _ in range(runs):
    for box in t:
        t[box].append(once(box))
s, n, l = (statistics.median(t[k]) * 1000 for k in ("small", "named", "legacy"))
print(f"pjm event queued: {s:.1f} ms behind 10 messages, {n:.1f} ms behind {len(os.listdir(work + '/named')) - runs:,} "
      f"named by job (ratio {n / s:.2f}), {l:.1f} ms behind as many under the old names (ratio {l / s:.2f})")
PY
