#!/usr/bin/env bash
# Reads through pjm serve must cost the same however much the database holds: GET …/executions
# (a page and the totals) on 1,000 against 1,000,000 executions, and GET …/jobs/<uuid> (a full
# page of 100 history entries) on a 100-event job against a 100,000-event one. Two servers, one
# per database, requests alternating between them; medians of curl's time_total, and ratios.
set -euo pipefail
source "$(dirname "$0")/lib.bash"
PJM=${PJM:?PJM must point at the pjm binary}
RUNS=${RUNS:-101}
WORK=$(mktemp -d)
PIDS=()
trap 'kill "${PIDS[@]}" 2>/dev/null; rm -rf "$WORK"' EXIT
TOKEN=bench-bearer-token-0123456789
printf '%s\n' "$TOKEN" >"$WORK/bearers"

# make_db NAME EXECUTIONS EVENTS : a database with that many executions and one job with that
# many history entries, written straight into the tables; prints the job's UUID.
make_db() {
    local db="$WORK/$1.db"
    local p job
    p=$(PJM_DATABASE=$db "$PJM" --local pipeline add --name bench)
    job=$(PJM_DATABASE=$db "$PJM" --local --json create --pipeline "$p" --archive-path /a |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["uuid"])')
    sqlite3 "$db" <<SQL
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $2)
INSERT INTO executions (id, actor_id, status, exit_code, start_time, end_time, message_kind,
                        job_uuid, log, request_digest, executor, worker_id, runtime)
SELECT printf('E%015d', i), 'bench', 'COMPLETE', 0,
       strftime('%Y-%m-%dT%H:%M:%f', 1700000000 + i, 'unixepoch') || 'Z',
       strftime('%Y-%m-%dT%H:%M:%f', 1700000000 + i, 'unixepoch') || 'Z',
       'PipelineJobEvent', '$job', 'ok', '', 'bearer-1', 'W', 0 FROM n;
WITH RECURSIVE n(i) AS (SELECT 2 UNION ALL SELECT i + 1 FROM n WHERE i < $3)
INSERT INTO history (job_uuid, seq, uuid, name, date, data)
SELECT '$job', i, printf('108%05x-0000-5000-8000-%012x', i, i), 'update',
       '2026-01-01T00:00:00.000Z', '{"i":' || i || '}' FROM n;
UPDATE jobs SET event_count = max($3, 1) WHERE uuid = '$job';
SQL
    echo "$job"
}
# serve NAME : starts pjm serve on the database (PIDS gets its pid).
serve() {
    PJM_DATABASE="$WORK/$1.db" "$PJM" serve --listen 127.0.0.1:0 --actor-id bench \
        --bearer-file "$WORK/bearers" >/dev/null 2>"$WORK/$1.log" &
    PIDS+=($!)
}
# url NAME : the base URL of the server on that database, once it listens.
url() {
    local port=""
    for _ in $(seq 100); do
        port=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$WORK/$1.log")
        [ -n "$port" ] && break
        sleep 0.05
    done
    echo "http://127.0.0.1:$port/actors/v2/bench"
}

SMALL_JOB=$(make_db small 1000 100)
LARGE_JOB=$(make_db large 1000000 100000)
echo "built: small $(du -h "$WORK/small.db" | cut -f1), large $(du -h "$WORK/large.db" | cut -f1)"
serve small
serve large
SMALL=$(url small)
LARGE=$(url large)
sleep 0.5

compare_reads "GET executions (1,000 vs 1,000,000)" "$SMALL/executions" "$LARGE/executions"
compare_reads "GET job (100 vs 100,000 events)" "$SMALL/jobs/$SMALL_JOB" "$LARGE/jobs/$LARGE_JOB"
