#!/usr/bin/env bash
# A Nextflow run's weblog against pjm serve (SQLite, synchronous = FULL) on loopback, as
# docs/integrations.md#nextflow describes it: `started`, then TASKS `process_completed` events
# (one task in FAIL_EVERY failed) sent by curl over 16 connections at once (--parallel), then
# `completed`. Once with the default tasks=failures, once with tasks=all: messages per second
# for the task events, and the job's history (entries and bytes of their data) afterwards.
# Every reply must be 200 and the job must end FINISHED.
set -euo pipefail
PJM=${PJM:?PJM must point at the pjm binary}
TASKS=${TASKS:-10000}
FAIL_EVERY=${FAIL_EVERY:-1000}
source "$(dirname "$0")/lib.bash"
bench_setup nextflow
FIXTURES=$(cd "$(dirname "$0")/../tests/fixtures/nextflow" && pwd)

P=$("$PJM" --local pipeline add --name nf-bench)
serve_start "$PJM" serve --listen 127.0.0.1:0 --actor-id bench --nonce-file "$WORK/nonces"

# The task events' bodies and curl's list of requests (each a URL and a body file).
python3 - "$FIXTURES" "$WORK" "$TASKS" "$FAIL_EVERY" <<'PY'
import copy, json, os, sys
fixtures, work, tasks, fail_every = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
ok = json.load(open(f"{fixtures}/process_completed.json"))
bad = json.load(open(f"{fixtures}/process_failed.json"))
os.makedirs(f"{work}/bodies")
for i in range(1, tasks + 1):
    body = copy.deepcopy(bad if i % fail_every == 0 else ok)
    body["trace"]["task_id"] = i
    body["trace"]["name"] = f"ALIGN (sample{i})"
    with open(f"{work}/bodies/{i}.json", "w") as f:
        json.dump(body, f)
PY

# run_case MODE : one run of the workflow against a new job; prints its figures.
run_case() {
    local mode=$1 job token url start end
    read -r job token < <("$PJM" --local --json create --pipeline "$P" --archive-path /a \
        --data "{\"mode\": \"$mode\"}" |
        python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["uuid"], d["token"])')
    url="$BASE/actors/v2/bench/messages?uuid=$job&token=$token&x-nonce=$NONCE&tasks=$mode"
    curl -sf -o /dev/null -H 'Content-Type: application/json' \
        --data-binary @"$FIXTURES/started.json" "$url"
    # (Options in curl's config file hold for one URL each, up to the next `next`.)
    python3 - "$url" "$WORK" "$TASKS" >"$WORK/requests" <<'PY'
import sys
url, work, tasks = sys.argv[1], sys.argv[2], int(sys.argv[3])
blocks = [f'url = "{url}"\ndata-binary = "@{work}/bodies/{i}.json"\n'
          f'header = "Content-Type: application/json"\noutput = "/dev/null"\n'
          f'write-out = "%{{http_code}}\\n"\n' for i in range(1, tasks + 1)]
print("next\n".join(blocks), end="")
PY
    start=$(date +%s.%N)
    curl --no-progress-meter --parallel --parallel-max 16 --config "$WORK/requests" \
        >"$WORK/codes"
    end=$(date +%s.%N)
    curl -sf -o /dev/null -H 'Content-Type: application/json' \
        --data-binary @"$FIXTURES/completed.json" "$url"
    local not_ok
    not_ok=$(grep -vc '^200$' "$WORK/codes" || true)
    [ "$not_ok" -eq 0 ] || {
        echo "nextflow_weblog: $not_ok task events not answered 200" >&2
        exit 1
    }
    "$PJM" --local --json status "$job" --history 1 >"$WORK/status.json"
    python3 - "$WORK/status.json" "$mode" "$TASKS" "$start" "$end" "$PJM_DATABASE" "$job" <<'PY'
import json, sqlite3, sys
doc = json.load(open(sys.argv[1]))
mode, tasks, start, end, db, job = sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5]), sys.argv[6], sys.argv[7]
assert doc["state"] == "FINISHED", doc["state"]
con = sqlite3.connect(db)
entries, data_bytes = con.execute(
    "SELECT count(*), coalesce(sum(length(data)), 0) FROM history WHERE job_uuid = ?", (job,)).fetchone()
print(f"  tasks={mode}: {tasks:,} task events in {end - start:.2f} s over 16 connections: "
      f"{tasks / (end - start):,.0f} messages/s; history {entries:,} entries, "
      f"{data_bytes / 1024:,.1f} KiB of data")
PY
}

echo "nextflow_weblog: $TASKS process_completed events (1 in $FAIL_EVERY failed), curl --parallel-max 16, $(nproc) cores"
run_case failures
run_case all
