#!/usr/bin/env bash
# `pjm outbox flush` delivering a full outbox to pjm serve (SQLite, synchronous = FULL) on
# loopback: MESSAGES update events across JOBS jobs are queued with the manager down (each
# `pjm event` exits 75), serve starts, and the flush is timed. Target: >= 1,000 messages/s.
# Checks that every message arrived exactly once, in queue order per job, and that the outbox
# is empty afterwards. Without MESSAGES and JOBS: 2,000 messages over 16 jobs, then 500 of one
# job (whose queue goes in batch requests: docs/protocol.md#message-batches).
set -euo pipefail
PJM=${PJM:?PJM must point at the pjm binary}
if [ -z "${MESSAGES:-}" ] && [ -z "${JOBS:-}" ]; then
    MESSAGES=2000 JOBS=16 bash "$0"
    MESSAGES=500 JOBS=1 bash "$0"
    exit
fi
MESSAGES=${MESSAGES:-2000}
JOBS=${JOBS:-16}
QUEUERS=${QUEUERS:-4} # processes queueing at once (each takes whole jobs, in order)
EACH=$((MESSAGES / JOBS))
WORK=$(mktemp -d)
export PJM_DATABASE="$WORK/bench.db" HOME="$WORK" XDG_STATE_HOME="$WORK/state"
SERVE=""
trap '[ -n "$SERVE" ] && kill $SERVE 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"' EXIT
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export PJM_URL="http://127.0.0.1:$PORT/actors/v2/bench/messages"
P=$("$PJM" --local pipeline add --name bench)
for ((j = 0; j < JOBS; j++)); do
    "$PJM" --local --json create --pipeline "$P" --archive-path "/a/$j" --data "{\"j\": $j}" |
        python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["uuid"], d["token"])'
done >"$WORK/jobs"
while read -r job token; do "$PJM" --local event run "$job" --token "$token" >/dev/null; done <"$WORK/jobs"

# Manager down, no retries: every event goes straight to the outbox.
queue_jobs() { # queue_jobs N : the jobs whose line number is N modulo QUEUERS
    local n=0 job token i
    while read -r job token; do
        if [ $((n++ % QUEUERS)) -eq "$1" ]; then
            for ((i = 1; i <= EACH; i++)); do
                rc=0
                "$PJM" --retries 0 event update "$job" --token "$token" --data "{\"i\": $i}" \
                    >/dev/null 2>&1 || rc=$?
                [ "$rc" -eq 75 ] || { echo "queueing: exit $rc, expected 75" >&2; exit 1; }
            done
        fi
    done <"$WORK/jobs"
}
t0=$(date +%s.%N)
pids=()
for ((q = 0; q < QUEUERS; q++)); do
    queue_jobs "$q" &
    pids+=($!)
done
for p in "${pids[@]}"; do wait "$p"; done
t1=$(date +%s.%N)
QUEUED=$(find "$WORK/state/pjm/outbox" -name '*.json' | wc -l)
[ "$QUEUED" -eq $((EACH * JOBS)) ] || { echo "expected $((EACH * JOBS)) queued, found $QUEUED" >&2; exit 1; }

"$PJM" serve --listen "127.0.0.1:$PORT" --actor-id bench --no-auth 2>"$WORK/serve.log" &
SERVE=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.05; done

t2=$(date +%s.%N)
"$PJM" outbox flush >"$WORK/flush.out"
t3=$(date +%s.%N)
grep -q "delivered $QUEUED, still queued 0, refused 0" "$WORK/flush.out" ||
    { echo "flush: $(cat "$WORK/flush.out")" >&2; exit 1; }
LEFT=$(find "$WORK/state/pjm/outbox" -name '*.json' | wc -l)
[ "$LEFT" -eq 0 ] || { echo "$LEFT messages left in the outbox" >&2; exit 1; }
kill "$SERVE"
wait "$SERVE" 2>/dev/null || true
SERVE=""
# Exactly once and in order: each job's updates are i = 1..EACH in history order.
sqlite3 "$PJM_DATABASE" "SELECT job_uuid, json_extract(data, '$.i') FROM history WHERE name = 'update' ORDER BY job_uuid, seq" |
    python3 -c '
import collections, sys
each, jobs = int(sys.argv[1]), int(sys.argv[2])
got = collections.defaultdict(list)
for line in sys.stdin:
    job, i = line.strip().split("|")
    got[job].append(int(i))
assert len(got) == jobs, len(got)
for job, ids in got.items():
    assert ids == list(range(1, each + 1)), (job, ids[:10], len(ids))
' "$EACH" "$JOBS" || { echo "the history is not every message exactly once in order" >&2; exit 1; }

python3 - "$QUEUED" "$JOBS" "$t0" "$t1" "$t2" "$t3" <<'PY'
import sys
n, jobs = int(sys.argv[1]), int(sys.argv[2])
t0, t1, t2, t3 = map(float, sys.argv[3:])
flush = t3 - t2
print(f"outbox_flush: {n} messages over {jobs} jobs flushed in {flush:.2f} s: "
      f"{n / flush:.0f} messages/s (target >= 1000/s); queueing them (exit 75 each) took "
      f"{t1 - t0:.1f} s; every message delivered exactly once, in order per job")
PY
