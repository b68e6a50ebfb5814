#!/usr/bin/env bash
# What one pjm process costs, against the cheapest process that does the same work:
#   `pjm --version`                          against /bin/true (start-up alone);
#   `pjm --local event update JOB --token T` against the sqlite3 shell running the same
#        transaction on the same database (read the job, insert the history row, update the
#        job; journal_mode WAL, synchronous FULL) and closing it, as pjm does: what SQLite and
#        a process cost for that event, with none of pjm's parsing, checks and token hashing.
#        Closing matters: the last connection to close copies the WAL into the database
#        (two more syncs). A shell told to `.quit` exits without closing and leaves that copy
#        to the next program; that figure is printed too, for comparison.
# hyperfine (-N: no shell in between), medians, ratio of medians.
#   PJM=build-bench/bin/pjm bench/process_cost.sh        (bench/run does this)
set -euo pipefail
PJM=${PJM:?PJM must point at the pjm binary}
RUNS=${RUNS:-300}
if ! command -v hyperfine >/dev/null; then
    echo "process_cost: skipped, hyperfine is not installed (apt-get install hyperfine)"
    exit 0
fi
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export HOME=$WORK PJM_DATABASE=$WORK/bench.db
"$PJM" --local -q pipeline add --name bench
read -r JOB TOKEN < <("$PJM" --local create --pipeline bench --archive-path /a \
    --template '{uuid} {token}')
"$PJM" --local -q event run "$JOB" --token "$TOKEN"

# median_ms FILE.json N : the median of the Nth command's runs, in milliseconds
median_ms() {
    python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][int(sys.argv[2])]["median"] * 1000)' "$1" "$2"
}
report() { # report NAME FILE.json
    awk -v name="$1" -v a="$(median_ms "$2" 0)" -v b="$(median_ms "$2" 1)" \
        'BEGIN { printf "%s: pjm %.3f ms, baseline %.3f ms, ratio %.2f\n", name, a, b, a / b }'
}

hyperfine -N --style none --warmup 30 --runs "$RUNS" --export-json "$WORK/start.json" \
    "$PJM --version" "/bin/true" >/dev/null
report "pjm --version vs /bin/true" "$WORK/start.json"

# The sqlite3 shell's transaction: the same reads and writes pjm makes for one update event.
cat >"$WORK/event.sql" <<SQL
PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=5000;
BEGIN IMMEDIATE;
SELECT state, salt, event_count FROM jobs WHERE uuid = '$JOB';
INSERT INTO history (job_uuid, seq, uuid, name, date, data)
  SELECT uuid, event_count + 1, lower(hex(randomblob(16))), 'update',
         strftime('%Y-%m-%dT%H:%M:%fZ'), '{"n":1}' FROM jobs WHERE uuid = '$JOB';
UPDATE jobs SET event_count = event_count + 1, last_event = 'update',
  updated = strftime('%Y-%m-%dT%H:%M:%fZ') WHERE uuid = '$JOB';
COMMIT;
SQL
hyperfine -N --style none --warmup 10 --runs "$((RUNS / 3))" --export-json "$WORK/event.json" \
    "$PJM --local event update $JOB --token $TOKEN --data '{\"n\":1}'" \
    "sqlite3 -batch -init $WORK/event.sql $PJM_DATABASE 'SELECT 1'" >/dev/null
report "pjm --local event update vs sqlite3 shell, same transaction, database closed" \
    "$WORK/event.json"
hyperfine -N --style none --warmup 10 --runs "$((RUNS / 3))" --export-json "$WORK/quit.json" \
    "$PJM --local event update $JOB --token $TOKEN --data '{\"n\":1}'" \
    "sqlite3 -batch -init $WORK/event.sql $PJM_DATABASE .quit" >/dev/null
report "pjm --local event update vs sqlite3 shell, same transaction, exit without closing" \
    "$WORK/quit.json"
events=$(sqlite3 "$PJM_DATABASE" "SELECT event_count FROM jobs WHERE uuid = '$JOB'")
echo "  (the job holds $events events: every run of both committed one)"
