#!/usr/bin/env bash
# A million jobs stay instant. Builds a database of JOBS jobs with EVENTS history entries each
# (1,000,000 x 10 on SQLite by default) through `pjm import` of a generated export (timed), and
# one of 1,000 such jobs; then times, whole process, runs alternating between the two,
# medians: `status` of a job, the first page of `list --state RUNNING` (a fifth of the jobs
# run), and `event update` (synchronous = FULL). Prints the ratios large/small and the bytes
# per history entry on disk.
#   PJM=build-bench/bin/pjm bench/million_jobs.sh                      SQLite, 1,000,000 jobs
#   PJM=… BACKEND=postgres bench/million_jobs.sh                      PostgreSQL, 100,000 jobs
# (PostgreSQL: PJM_BENCH_POSTGRES_URL, or a throwaway durable server from scripts/with-postgres.)
# Needs about 5 GB of disk for the SQLite default (BENCH_DIR, default a new folder in /tmp).
set -euo pipefail
PJM=${PJM:?PJM must point at the pjm binary}
BACKEND=${BACKEND:-sqlite}
if [ "$BACKEND" = postgres ] && [ -z "${PJM_BENCH_POSTGRES_URL:-}" ]; then
    if [ -z "${PJM_BENCH_OWN_SERVER:-}" ]; then
        cd "$(dirname "$0")/.."
        PJM_BENCH_OWN_SERVER=1 exec ./scripts/with-postgres --durable bash "$PWD/bench/million_jobs.sh"
    fi
    PJM_BENCH_POSTGRES_URL=$PJM_TEST_POSTGRES_URL
fi
if [ "$BACKEND" = postgres ]; then JOBS=${JOBS:-100000}; else JOBS=${JOBS:-1000000}; fi
SMALL=${SMALL:-1000}
EVENTS=${EVENTS:-10}
RUNS=${RUNS:-31}
WORK=$(mktemp -d "${BENCH_DIR:-/tmp}/pjm-million.XXXXXX")
PG_DBS=()
cleanup() {
    for db in "${PG_DBS[@]}"; do
        psql "$PJM_BENCH_POSTGRES_URL" -XqAt -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1
    done
    rm -rf "$WORK"
}
trap cleanup EXIT
export HOME=$WORK

# database NAME : where NAME's database lives on this backend (created empty for PostgreSQL)
database() {
    if [ "$BACKEND" = postgres ]; then
        local db="pjm_million_$1_$$"
        psql "$PJM_BENCH_POSTGRES_URL" -XqAt -c "CREATE DATABASE $db" >/dev/null
        PG_DBS+=("$db")
        echo "${PJM_BENCH_POSTGRES_URL%/*}/$db"
    else
        echo "$WORK/$1.db"
    fi
}

# generate N FILE : an export of N jobs of one pipeline, EVENTS entries each; every fifth job
# RUNNING (create, run, updates), the others FINISHED (…, finish); updated times spread over a
# year, so that lists page through them as through a real site's.
generate() {
    python3 - "$1" "$EVENTS" "$2" <<'PY'
import base64, json, os, sys, time, uuid
n, events, path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
pipeline = "10655601-97e3-501a-bd16-69d961fa92db"
t0 = 1_764_547_200  # 2025-12-01
def when(s, ms):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(s)) + ".%03dZ" % ms
with open(path, "w") as f:
    f.write(json.dumps({"format": "pjm-export", "version": 1, "exported": when(t0, 0),
                        "database": "generated"}) + "\n")
    f.write(json.dumps({"type": "setting", "key": "admin_secret", "value": os.urandom(32).hex()}) + "\n")
    f.write(json.dumps({"type": "pipeline", "uuid": pipeline, "name": "million", "description": "",
                        "created": when(t0, 0)}) + "\n")
    for i in range(n):
        start = t0 + (i * 31_536_000) // n
        running = i % 5 == 0
        names = ["create", "run"] + ["update"] * (events - 2 - (0 if running else 1))
        names += [] if running else ["finish"]
        history = [{"data": {"step": k} if name == "update" else {}, "date": when(start + k, 0),
                    "name": name, "uuid": "108" + uuid.uuid4().hex[3:8] + "-" + str(uuid.uuid4())[9:]}
                   for k, name in enumerate(names)]
        job = {"archive_path": f"/archive/{i}", "archive_patterns": [], "created": history[0]["date"],
               "data": {"sample": i}, "event_count": len(history), "history": history,
               "last_event": names[-1], "pipeline_uuid": pipeline, "product_patterns": [],
               "salt": base64.b64encode(os.urandom(16)).decode(),
               "state": "RUNNING" if running else "FINISHED", "type": "job",
               "updated": history[-1]["date"],
               "uuid": "107" + uuid.uuid4().hex[3:8] + "-" + str(uuid.uuid4())[9:], "visible": True}
        f.write(json.dumps(job, separators=(",", ":")) + "\n")
    f.write(json.dumps({"type": "end", "settings": 1, "pipelines": 1, "jobs": n,
                        "events": n * events}) + "\n")
PY
}

SMALL_DB=$(database small)
LARGE_DB=$(database large)
generate "$SMALL" "$WORK/small.ndjson"
"$PJM" --local --db "$SMALL_DB" -q import "$WORK/small.ndjson"
t0=$(date +%s.%N)
generate "$JOBS" "$WORK/large.ndjson"
t1=$(date +%s.%N)
"$PJM" --local --db "$LARGE_DB" -q import "$WORK/large.ndjson"
t2=$(date +%s.%N)
rm -f "$WORK/large.ndjson" "$WORK/small.ndjson"

if [ "$BACKEND" = postgres ]; then
    bytes=$(psql "$LARGE_DB" -XqAt -c "SELECT pg_database_size(current_database())")
else
    bytes=$(stat -c %s "$LARGE_DB")
fi

# A RUNNING job of each database, in the middle of its list, with its token: the one the
# status and event runs use.
pick() {
    local db=$1 uuid
    uuid=$("$PJM" --local --db "$db" list --state RUNNING --limit 1 --template '{uuid}')
    echo "$uuid $("$PJM" --local --db "$db" token job "$uuid")"
}
read -r SMALL_JOB SMALL_TOKEN < <(pick "$SMALL_DB")
read -r LARGE_JOB LARGE_TOKEN < <(pick "$LARGE_DB")

python3 - "$PJM" "$RUNS" "$SMALL_DB" "$SMALL_JOB" "$SMALL_TOKEN" "$LARGE_DB" "$LARGE_JOB" \
    "$LARGE_TOKEN" "$JOBS" "$SMALL" "$EVENTS" "$bytes" "$t0" "$t1" "$t2" "$BACKEND" <<'PY'
import statistics, subprocess, sys, time
pjm, runs = sys.argv[1], int(sys.argv[2])
small, large = sys.argv[3:6], sys.argv[6:9]
jobs, n_small, events, size = int(sys.argv[9]), int(sys.argv[10]), int(sys.argv[11]), int(sys.argv[12])
t0, t1, t2 = map(float, sys.argv[13:16])
backend = sys.argv[16]
commands = {
    "status": lambda db, job, token: ["status", job],
    "list --state RUNNING": lambda db, job, token: ["list", "--state", "RUNNING"],
    "event update": lambda db, job, token: ["event", "update", job, "--token", token,
                                            "--data", '{"bench": 1}'],
}
def timed(db, args):
    start = time.perf_counter()
    subprocess.run([pjm, "--local", "--db", db, "-q"] + args, check=True,
                   stdout=subprocess.DEVNULL)
    return time.perf_counter() - start
for name, make in commands.items():
    for side in (small, large):  # warm-up
        timed(side[0], make(*side))
    a, b = [], []
    for _ in range(runs):
        a.append(timed(small[0], make(*small)))
        b.append(timed(large[0], make(*large)))
    ma, mb = statistics.median(a) * 1000, statistics.median(b) * 1000
    print(f"million_jobs ({backend}): {name}: {n_small:,} jobs {ma:.2f} ms, {jobs:,} jobs "
          f"{mb:.2f} ms, ratio {mb / ma:.2f}")
print(f"million_jobs ({backend}): {jobs:,} jobs and {jobs * events:,} history entries: export "
      f"generated in {t1 - t0:.0f} s, imported in {t2 - t1:.0f} s "
      f"({jobs * events / (t2 - t1):,.0f} entries/s); {size / 1e9:.2f} GB on disk, "
      f"{size / (jobs * events):.0f} bytes per history entry (jobs and indexes included)")
PY
