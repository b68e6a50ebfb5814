#!/usr/bin/env bash
# What the dashboard's polls cost as the jobs grow: the reads one open jobs page makes (its
# page of 25 every second, the counts per state every fifth second) on 1,000 against 1,000,000
# jobs updated over a year, rows written straight into the table, two pjm serve processes, requests alternating
# between them; medians of curl's time_total, and ratios. Also the page's own files.
#   PJM=build-bench/bin/pjm bench/dashboard_scale.sh        (bench/run does this)
set -euo pipefail
source "$(dirname "$0")/lib.bash"
PJM=${PJM:?PJM must point at the pjm binary}
RUNS=${RUNS:-31}
BIG=${BIG:-1000000}
WORK=$(mktemp -d)
PIDS=()
trap 'kill "${PIDS[@]}" 2>/dev/null; rm -rf "$WORK"' EXIT
export HOME=$WORK
TOKEN=bench-viewer-credential-0123456789
printf '%s\n' "$TOKEN" >"$WORK/viewers"
printf 'bench-bearer-token-0123456789\n' >"$WORK/bearers"

make_db() { # make_db NAME JOBS
    local db="$WORK/$1.db" p
    p=$(PJM_DATABASE=$db "$PJM" --local pipeline add --name bench)
    sqlite3 "$db" <<SQL
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $2)
INSERT INTO jobs (uuid, pipeline_uuid, archive_path, data, state, last_event, created, updated,
                  salt, event_count)
SELECT printf('107%05x-0000-5000-8000-%012x', i % 1048576, i), '$p', '/a', '{}',
       CASE i % 5 WHEN 0 THEN 'RUNNING' WHEN 1 THEN 'FAILED' ELSE 'FINISHED' END, 'finish',
       '2026-01-01T00:00:00.000Z',
       strftime('%Y-%m-%dT%H:%M:%f', '2026-01-01', '+' || CAST(i * 31536000.0 / $2 AS INTEGER) || ' seconds') || 'Z',
       'salt', 2
FROM n;
SQL
    echo "$p"
}
serve() {
    PJM_DATABASE="$WORK/$1.db" "$PJM" serve --listen 127.0.0.1:0 --actor-id bench \
        --bearer-file "$WORK/bearers" --viewer-credential-file "$WORK/viewers" \
        >/dev/null 2>"$WORK/$1.log" &
    PIDS+=($!)
}
base() {
    local port=""
    for _ in $(seq 100); do
        port=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$WORK/$1.log")
        [ -n "$port" ] && break
        sleep 0.05
    done
    echo "http://127.0.0.1:$port"
}

P_SMALL=$(make_db small 1000)
P_LARGE=$(make_db large "$BIG")
echo "built: small $(du -h "$WORK/small.db" | cut -f1), large $(du -h "$WORK/large.db" | cut -f1)"
serve small
serve large
SMALL=$(base small)
LARGE=$(base large)
sleep 0.5

A=/actors/v2/bench
compare_reads "jobs page (25)" "$SMALL$A/jobs?limit=25" "$LARGE$A/jobs?limit=25"
compare_reads "jobs page, state FAILED" "$SMALL$A/jobs?limit=25&state=FAILED" "$LARGE$A/jobs?limit=25&state=FAILED"
compare_reads "counts per state" "$SMALL$A/jobs/counts" "$LARGE$A/jobs/counts"
compare_reads "counts, one pipeline" "$SMALL$A/jobs/counts?pipeline=$P_SMALL" "$LARGE$A/jobs/counts?pipeline=$P_LARGE"
DAY=2026-12-30T00:00:00.000Z
for name in small large; do
    echo "$name: $(curl -sf -H "Authorization: Bearer $TOKEN" "$(base $name)$A/jobs/counts?since=$DAY" |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["result"]["total"])') jobs updated in the last day"
done
compare_reads "counts, last day" "$SMALL$A/jobs/counts?since=$DAY" "$LARGE$A/jobs/counts?since=$DAY"
compare_reads "counts, last day, one pipeline" "$SMALL$A/jobs/counts?since=$DAY&pipeline=$P_SMALL" "$LARGE$A/jobs/counts?since=$DAY&pipeline=$P_LARGE"
compare_reads "the page's script" "$SMALL/ui/app.js" "$LARGE/ui/app.js"
