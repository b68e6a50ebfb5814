#!/usr/bin/env bash
# Events per second through `pjm --local event --batch`: 20,000 `update` lines on one job, in
# groups (one transaction a group, a savepoint a line, synchronous = FULL), against the same
# SQL run by the sqlite3 shell in one transaction (the baseline: what SQLite itself costs for
# those rows, without parsing, checking or tokens). Five runs each, alternating; medians.
#   PJM=build-bench/bin/pjm bench/batch_throughput.sh        (bench/run does this)
set -euo pipefail
PJM=${PJM:?PJM must point at the pjm binary}
LINES=${LINES:-20000}
RUNS=${RUNS:-5}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export HOME=$WORK PJM_DATABASE=$WORK/bench.db
P=$("$PJM" --local pipeline add --name bench)
read -r JOB TOKEN < <("$PJM" --local create --pipeline "$P" --archive-path /a \
    --template '{uuid} {token}')
"$PJM" --local -q event run "$JOB" --token "$TOKEN"
python3 - "$JOB" "$TOKEN" "$LINES" "$WORK" <<'PY'
import json, sys, uuid
job, token, n, work = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
with open(f"{work}/lines.ndjson", "w") as f:
    for i in range(n):
        f.write(json.dumps({"uuid": job, "name": "update", "token": token, "data": {"i": i}}) + "\n")
# The same rows for the sqlite3 shell, into a copy of the database: each history row, then
# the job's count and times, as pjm writes them.
with open(f"{work}/same.sql", "w") as f:
    f.write("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; BEGIN IMMEDIATE;\n")
    for i in range(n):
        f.write("INSERT INTO history (job_uuid, seq, uuid, date, name, data) VALUES "
                f"('{job}', {i + 3}, '{uuid.uuid4()}', '2026-12-02T00:00:00.000Z', 'update', "
                f"'{{\"i\":{i}}}');\n")
        f.write(f"UPDATE jobs SET event_count = {i + 3}, last_event = 'update', "
                f"updated = '2026-12-02T00:00:00.000Z' WHERE uuid = '{job}';\n")
    f.write("COMMIT;\n")
PY
cp "$WORK/bench.db" "$WORK/base.db"
pjm_times=() sql_times=()
for r in $(seq "$RUNS"); do
    cp "$WORK/base.db" "$WORK/run.db"
    start=$(date +%s%N)
    PJM_DATABASE=$WORK/run.db "$PJM" --local event --batch "$WORK/lines.ndjson" >/dev/null 2>"$WORK/err" ||
        { cat "$WORK/err" >&2; exit 1; }
    pjm_times+=($((($(date +%s%N) - start) / 1000)))
    cp "$WORK/base.db" "$WORK/run.db"
    start=$(date +%s%N)
    sqlite3 "$WORK/run.db" <"$WORK/same.sql" >/dev/null 2>"$WORK/err" || { cat "$WORK/err" >&2; exit 1; }
    sql_times+=($((($(date +%s%N) - start) / 1000)))
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
pm=$(median "${pjm_times[@]}") sm=$(median "${sql_times[@]}")
awk -v n="$LINES" -v p="$pm" -v s="$sm" 'BEGIN {
    printf "event --batch, %d lines on one job: pjm %.0f events/s (%.0f ms), sqlite3 shell %.0f rows/s (%.0f ms), ratio %.2f\n",
        n, n / (p / 1e6), p / 1000, n / (s / 1e6), s / 1000, p / s }'
