#!/usr/bin/env bash
# Events per second through `pjm --local event update`, SQLite and PostgreSQL side by side in
# one run: 1, 2 and 8 writer processes, all on one job, or spread over 64 jobs. Every event is
# a whole pjm process (start-up, connection, schema check, token check, one transaction);
# both backends are durable: SQLite WAL with synchronous = FULL, PostgreSQL with fsync and
# synchronous commit on (scripts/with-postgres --durable starts a throwaway server when
# PJM_BENCH_POSTGRES_URL is not given).
#   PJM=build-bench/bin/pjm bench/store_throughput.sh        (bench/run does this)
set -euo pipefail
PJM=${PJM:?PJM must point at the pjm binary}
EVENTS=${EVENTS:-400} # per measurement
if [ -z "${PJM_BENCH_POSTGRES_URL:-}" ]; then
    if [ -z "${PJM_BENCH_OWN_SERVER:-}" ]; then
        cd "$(dirname "$0")/.."
        PJM_BENCH_OWN_SERVER=1 exec ./scripts/with-postgres --durable bash "$PWD/bench/store_throughput.sh"
    fi
    PJM_BENCH_POSTGRES_URL=$PJM_TEST_POSTGRES_URL
fi

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export HOME=$WORK
PG_DB=pjm_bench_$$
psql "$PJM_BENCH_POSTGRES_URL" -XqAt -c "CREATE DATABASE $PG_DB" >/dev/null
trap 'psql "$PJM_BENCH_POSTGRES_URL" -XqAt -c "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" >/dev/null 2>&1; rm -rf "$WORK"' EXIT
SQLITE_DB=$WORK/bench.db
POSTGRES_DB="${PJM_BENCH_POSTGRES_URL%/*}/$PG_DB"

# 64 jobs in each database; their uuids and tokens in $WORK/<backend>.jobs
for backend in sqlite postgres; do
    db=$SQLITE_DB
    [ "$backend" = sqlite ] || db=$POSTGRES_DB
    P=$("$PJM" --db "$db" --local pipeline add --name bench)
    for n in $(seq 0 63); do
        "$PJM" --db "$db" --local --json create --pipeline "$P" --archive-path /a \
            --data "{\"bench\": $n}" |
            python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["uuid"], d["token"])'
    done >"$WORK/$backend.jobs"
    while read -r uuid token; do
        "$PJM" --db "$db" --local event run "$uuid" --token "$token" >/dev/null
    done <"$WORK/$backend.jobs"
done

python3 - "$PJM" "$EVENTS" "$SQLITE_DB" "$POSTGRES_DB" "$WORK" <<'PY'
import subprocess, sys, threading, time
pjm, events, sqlite_db, postgres_db, work = sys.argv[1], int(sys.argv[2]), *sys.argv[3:]
dbs = {"SQLite": sqlite_db, "PostgreSQL": postgres_db}
jobs = {name: [line.split() for line in open(f"{work}/{key}.jobs")]
        for name, key in (("SQLite", "sqlite"), ("PostgreSQL", "postgres"))}

def measure(backend, writers, spread):
    db, all_jobs = dbs[backend], jobs[backend]
    each = events // writers
    failures = []
    def writer(w):
        for i in range(each):
            uuid, token = all_jobs[(w + i * writers) % len(all_jobs)] if spread else all_jobs[0]
            r = subprocess.run([pjm, "--db", db, "--local", "event", "update", uuid,
                                "--token", token, "--data", '{"w": %d, "i": %d}' % (w, i)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            if r.returncode != 0:
                failures.append(r.stderr.decode()[:200])
    threads = [threading.Thread(target=writer, args=(w,)) for w in range(writers)]
    t0 = time.perf_counter()
    for t in threads: t.start()
    for t in threads: t.join()
    elapsed = time.perf_counter() - t0
    if failures:
        sys.exit(f"{backend}: {len(failures)} events failed: {failures[0]}")
    return writers * each / elapsed

results = {}
for writers in (1, 2, 8):
    for spread in (False, True):
        for backend in ("SQLite", "PostgreSQL"):  # side by side, under the same load
            results[(backend, writers, spread)] = measure(backend, writers, spread)

print(f"store_throughput: events/s of `pjm --local event update`, {events} events per cell, "
      f"each a whole process")
print()
print("| writers | SQLite, one job | PostgreSQL, one job | SQLite, 64 jobs | PostgreSQL, 64 jobs |")
print("|---|---|---|---|---|")
for writers in (1, 2, 8):
    cells = [f"{results[(b, writers, s)]:.0f}" for s in (False, True)
             for b in ("SQLite", "PostgreSQL")]
    print(f"| {writers} | " + " | ".join(cells) + " |")
PY
