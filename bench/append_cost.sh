#!/usr/bin/env bash
# Appending an event must cost the same whatever the job's history length (history rows are
# keyed by (job, seq); nothing rewrites the job document). Compares `pjm --local event update`
# on a job with 1 event against a job with 100,000 events, alternating run by run.
set -euo pipefail
PJM=${PJM:?PJM must point at the pjm binary}
RUNS=${RUNS:-60}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export PJM_DATABASE="$WORK/bench.db" HOME="$WORK"

P=$("$PJM" --local pipeline add --name bench)
mk() { "$PJM" --local --json create --pipeline "$P" --archive-path /a --data "{\"job\": \"$1\"}" |
    python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["uuid"], d["token"])'; }
read -r SMALL SMALL_T < <(mk small)
read -r LARGE LARGE_T < <(mk large)
"$PJM" --local event run "$SMALL" --token "$SMALL_T" >/dev/null
"$PJM" --local event run "$LARGE" --token "$LARGE_T" >/dev/null

# 100,000 history entries for the large job, written straight into the table.
sqlite3 "$PJM_DATABASE" <<SQL
WITH RECURSIVE n(i) AS (SELECT 3 UNION ALL SELECT i + 1 FROM n WHERE i < 100002)
INSERT INTO history (job_uuid, seq, uuid, name, date, data)
SELECT '$LARGE', i, printf('108%05x-0000-5000-8000-%012x', i, i), 'update',
       '2026-01-01T00:00:00.000Z', '{"i":' || i || '}' FROM n;
UPDATE jobs SET event_count = 100002 WHERE uuid = '$LARGE';
SQL
echo "history rows: small=$(sqlite3 "$PJM_DATABASE" "SELECT count(*) FROM history WHERE job_uuid='$SMALL'") large=$(sqlite3 "$PJM_DATABASE" "SELECT count(*) FROM history WHERE job_uuid='$LARGE'")"

# Alternate the two commands run by run so background load hits both alike; compare medians.
python3 - "$PJM" "$RUNS" "$SMALL" "$SMALL_T" "$LARGE" "$LARGE_T" <<'PY'
import statistics, subprocess, sys, time
pjm, runs, small, small_t, large, large_t = sys.argv[1], int(sys.argv[2]), *sys.argv[3:]
def once(job, token):
    t = time.perf_counter()
    subprocess.run([pjm, "--local", "event", "update", job, "--token", token],
                   check=True, stdout=subprocess.DEVNULL)
    return (time.perf_counter() - t) * 1000
for _ in range(5):
    once(small, small_t), once(large, large_t)
a, b = [], []
for _ in range(runs):
    a.append(once(small, small_t))
    b.append(once(large, large_t))
ms, ml = statistics.median(a), statistics.median(b)
print(f"append_cost: {runs} alternating runs each; median {ms:.2f} ms at 2 events, "
      f"{ml:.2f} ms at 100,002 events; ratio {ml / ms:.2f}")
PY
echo "final count: $(sqlite3 "$PJM_DATABASE" "SELECT event_count FROM jobs WHERE uuid='$LARGE'")"
