#!/usr/bin/env bash
# A list's first page must cost the same however many jobs there are: `pjm --local list` (the
# default page of 100, newest first), `list --state RUNNING` (a fifth of the jobs match) and a
# page after a cursor, on 1,000 jobs against 200,000, the rows written straight into the
# table. Runs alternate between the two databases; medians of whole-process wall time, ratios.
#   PJM=build-bench/bin/pjm bench/list_scale.sh        (bench/run does this)
set -euo pipefail
PJM=${PJM:?PJM must point at the pjm binary}
RUNS=${RUNS:-31}
BIG=${BIG:-200000}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export HOME=$WORK

make_db() { # make_db NAME JOBS
    local db="$WORK/$1.db" p
    p=$(PJM_DATABASE=$db "$PJM" --local pipeline add --name bench)
    sqlite3 "$db" <<SQL
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $2)
INSERT INTO jobs (uuid, pipeline_uuid, archive_path, data, state, last_event, created, updated,
                  salt, event_count)
SELECT printf('107%05x-0000-5000-8000-%012x', i % 1048576, i), '$p', '/a', '{}',
       CASE WHEN i % 5 = 0 THEN 'RUNNING' ELSE 'FINISHED' END, 'finish',
       '2026-01-01T00:00:00.000Z',
       strftime('%Y-%m-%dT%H:%M:%f', '2026-01-01', '+' || (i % 86400) || ' seconds') || 'Z',
       'salt', 2
FROM n;
SQL
}
make_db small 1000
make_db big "$BIG"
CURSOR_SMALL=$(PJM_DATABASE=$WORK/small.db "$PJM" --local list --template '{updated},{uuid}' | tail -1)
CURSOR_BIG=$(PJM_DATABASE=$WORK/big.db "$PJM" --local list --template '{updated},{uuid}' | tail -1)

python3 - "$PJM" "$WORK" "$RUNS" "$BIG" "$CURSOR_SMALL" "$CURSOR_BIG" <<'PY'
import os, statistics, subprocess, sys, time
pjm, work, runs, big, c_small, c_big = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6]
cases = [("list (first page)", [], []),
         ("list --state RUNNING", ["--state", "RUNNING"], ["--state", "RUNNING"]),
         ("list --cursor (second page)", ["--cursor", c_small], ["--cursor", c_big])]
def once(db, args):
    env = dict(os.environ, PJM_DATABASE=db)
    t = time.perf_counter()
    r = subprocess.run([pjm, "--local", "list", "--template", "{uuid}"] + args, env=env,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    took = time.perf_counter() - t
    assert r.returncode == 0 and r.stdout.count("\n") == 100, (r.returncode, r.stderr)
    return took
for name, small_args, big_args in cases:
    s, b = [], []
    for _ in range(runs):
        s.append(once(f"{work}/small.db", small_args))
        b.append(once(f"{work}/big.db", big_args))
    ms, mb = statistics.median(s) * 1000, statistics.median(b) * 1000
    print(f"{name}: 1,000 jobs {ms:.2f} ms, {big:,} jobs {mb:.2f} ms, ratio {mb / ms:.2f}")
PY
