#!/usr/bin/env bash
# What keeping the jobs' counts (the job_counts table and its triggers, schema version 9) costs
# writes: the same import of JOBS running jobs, then an event --batch that finishes each of them
# (a state change for every line, so every line fires the trigger), into a database with the
# triggers and into one where they were dropped; ROUNDS rounds alternating, medians, ratios.
# SQLite only: PostgreSQL keeps no such table (BENCHMARKS.md says why).
#   PJM=build-bench/bin/pjm bench/job_counts_cost.sh        (bench/run does this)
set -euo pipefail
PJM=${PJM:?PJM must point at the pjm binary}
JOBS=${JOBS:-20000}
ROUNDS=${ROUNDS:-5}
BACKEND=sqlite
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export HOME=$WORK

python3 - "$JOBS" "$WORK/jobs.ndjson" "$WORK/finish.ndjson" <<'PY'
import base64, json, os, sys, uuid
n, path, finish = int(sys.argv[1]), sys.argv[2], sys.argv[3]
pipeline = "10655601-97e3-501a-bd16-69d961fa92db"
with open(path, "w") as f, open(finish, "w") as g:
    f.write(json.dumps({"format": "pjm-export", "version": 1, "exported": "2026-01-01T00:00:00.000Z",
                        "database": "generated"}) + "\n")
    f.write(json.dumps({"type": "setting", "key": "admin_secret", "value": os.urandom(32).hex()}) + "\n")
    f.write(json.dumps({"type": "pipeline", "uuid": pipeline, "name": "counts", "description": "",
                        "created": "2026-01-01T00:00:00.000Z"}) + "\n")
    for i in range(n):
        u = "107" + uuid.uuid4().hex[3:8] + "-" + str(uuid.uuid4())[9:]
        history = [{"data": {}, "date": "2026-01-01T00:00:0%d.000Z" % k, "name": name,
                    "uuid": "108" + uuid.uuid4().hex[3:8] + "-" + str(uuid.uuid4())[9:]}
                   for k, name in enumerate(["create", "run"])]
        f.write(json.dumps({"archive_path": "/a", "archive_patterns": [], "created": history[0]["date"],
                            "data": {"i": i}, "event_count": 2, "history": history,
                            "last_event": "run", "pipeline_uuid": pipeline, "product_patterns": [],
                            "salt": base64.b64encode(os.urandom(16)).decode(), "state": "RUNNING",
                            "type": "job", "updated": history[-1]["date"], "uuid": u,
                            "visible": True}, separators=(",", ":")) + "\n")
        g.write(json.dumps({"uuid": u, "name": "finish"}) + "\n")
    f.write(json.dumps({"type": "end", "settings": 1, "pipelines": 1, "jobs": n, "events": 2 * n}) + "\n")
PY

new_db() { # new_db NAME: a new database's path
    rm -f "$WORK/$1.db"*
    echo "$WORK/$1.db"
}
drop_triggers() {
    sqlite3 "$1" "DROP TRIGGER jobs_counted; DROP TRIGGER jobs_recounted; DROP TRIGGER jobs_uncounted;"
}
seconds() { # seconds COMMAND…: its wall time; the bench stops if it fails
    local t0 t1
    t0=$(date +%s.%N)
    "$@" >/dev/null 2>"$WORK/err" || { cat "$WORK/err" >&2; exit 1; }
    t1=$(date +%s.%N)
    echo "$t1 - $t0" | bc
}

for round in $(seq "$ROUNDS"); do
    for variant in with without; do
        db=$(new_db "$variant")
        "$PJM" --db "$db" db init >/dev/null
        [ "$variant" = without ] && drop_triggers "$db"
        imp=$(seconds "$PJM" --db "$db" import "$WORK/jobs.ndjson")
        token=$(PJM_DATABASE=$db "$PJM" --local token admin)
        fin=$(PJM_TOKEN=$token seconds "$PJM" --local --db "$db" event --batch "$WORK/finish.ndjson")
        echo "$variant $imp $fin"
    done
done | python3 -c '
import statistics, sys
t = {"with": ([], []), "without": ([], [])}
for line in sys.stdin:
    v, a, b = line.split()
    t[v][0].append(float(a)); t[v][1].append(float(b))
n, backend = int(sys.argv[1]), sys.argv[2]
for i, what in enumerate(["import", "event --batch (finish each)"]):
    w, o = statistics.median(t["with"][i]), statistics.median(t["without"][i])
    print(f"{backend}, {n:,} jobs, {what}: {o:.2f} s without the counts, {w:.2f} s with, ratio {w / o:.2f}")
' "$JOBS" "$BACKEND"
