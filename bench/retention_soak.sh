#!/usr/bin/env bash
# Executions do not grow without bound: `pjm serve --keep-executions 7d` (SQLite) takes
# MESSAGES messages (1,000,000 by default) from wrk (2 threads, 32 connections) while a sampler
# records, every SAMPLE seconds, the executions table's rows, the database's size (file + WAL)
# and serve's resident memory. serve runs under libfaketime at SPEED times real time (20,000:
# a week passes in 30 s), so that the retention window passes several times during the run.
# Each message is a `run` for a finished job: refused with 409 and recorded as an execution,
# with no history entry (history is the jobs' record and grows by design; bench/million_jobs.sh
# gives its bytes per entry), so the file's size follows the executions alone.
#   PJM=build-bench/bin/pjm bench/retention_soak.sh        (bench/run does this)
# Needs wrk and faketime (apt-get install wrk faketime); without them, says so and skips.
set -euo pipefail
PJM=${PJM:?PJM must point at the pjm binary}
MESSAGES=${MESSAGES:-1000000}
SPEED=${SPEED:-20000}
SAMPLE=${SAMPLE:-10}
for tool in wrk sqlite3; do
    command -v "$tool" >/dev/null || { echo "retention_soak: skipped, $tool is not installed"; exit 0; }
done
FAKETIME_LIB=$(ls /usr/lib/*/faketime/libfaketimeMT.so.1 2>/dev/null | head -1)
[ -n "$FAKETIME_LIB" ] || { echo "retention_soak: skipped, faketime is not installed"; exit 0; }
source "$(dirname "$0")/lib.bash"
bench_setup soak
P=$("$PJM" --local pipeline add --name soak)
for i in 1 2 3 4 5 6 7 8; do
    read -r uuid token < <("$PJM" --local create --pipeline "$P" --archive-path /a --data "{\"i\": $i}" \
        --template '{uuid} {token}')
    "$PJM" --local -q event run "$uuid" --token "$token"
    "$PJM" --local -q event finish "$uuid" --token "$token"
    echo "$uuid $token"
done >"$WORK/jobs"
python3 - "$WORK/jobs" "$NONCE" >"$WORK/soak.lua" <<'PY'
import sys
jobs = [line.split() for line in open(sys.argv[1])]
print("jobs = {" + ", ".join('{"%s", "%s"}' % (u, t) for u, t in jobs) + "}")
print('nonce = "%s"' % sys.argv[2])
print('''counter = 0
request = function()
  counter = counter + 1
  local j = jobs[(counter % #jobs) + 1]
  return wrk.format("POST", "/actors/v2/soak/messages?uuid=" .. j[1] .. "&name=run&token=" .. j[2]
    .. "&x-nonce=" .. nonce, {["Content-Type"] = "application/json"}, "{}")
end''')
PY

# Only the wall clock runs fast (the executions' times, the retention's cut-off, the pruner's
# period): the monotonic clock (timeouts, the checkpointer's 100 ms, waits) stays real.
serve_start env LD_PRELOAD="$FAKETIME_LIB" FAKETIME="+0 x$SPEED" FAKETIME_DONT_FAKE_MONOTONIC=1 \
    "$PJM" serve --listen 127.0.0.1:0 --actor-id soak --nonce-file "$WORK/nonces" \
    --keep-executions 7d
messages() { curl -s "$BASE/metrics" | awk '/^pjm_messages_total/ {n += $NF} END {print n + 0}'; }
sample() {
    local rows size rss
    rows=$(sqlite3 "$PJM_DATABASE" "PRAGMA busy_timeout = 5000; SELECT count(*) FROM executions" | tail -1)
    size="$(stat -c %s "$PJM_DATABASE") $(stat -c %s "$PJM_DATABASE-wal" 2>/dev/null || echo 0)"
    rss=$(awk '/^VmRSS/ {print $2}' "/proc/$SERVER_PID/status")
    echo "$(($(date +%s) - START)) $(messages) $rows $size $rss"
}
START=$(date +%s)
sample >>"$WORK/samples"
# wrk in rounds of SAMPLE seconds, a sample after each, until MESSAGES were handled.
while [ "$(messages)" -lt "$MESSAGES" ]; do
    wrk -t2 -c32 -d"${SAMPLE}s" -s "$WORK/soak.lua" "$BASE" >"$WORK/wrk.out" 2>&1 ||
        { cat "$WORK/wrk.out" >&2; exit 1; }
    sample >>"$WORK/samples"
done
grep -q "pruned" "$WORK/serve.log" || { echo "retention_soak: serve never pruned" >&2; tail "$WORK/serve.log" >&2; exit 1; }
python3 - "$WORK/samples" "$SPEED" <<'PY'
import sys
rows = [list(map(int, line.split())) for line in open(sys.argv[1])]
speed = int(sys.argv[2])
print("retention_soak: seconds   messages  executions  database MB  WAL MB  serve RSS MiB")
for t, m, r, size, wal, rss in rows:
    print(f"retention_soak: {t:7d} {m:10,d} {r:11,d} {size / 1e6:12.1f} {wal / 1e6:7.1f} {rss / 1024:14.1f}")
# Bounded: once a week (fake) has passed, the rows, the file and RSS stop growing.
week = 7 * 86400 / speed
late = [row for row in rows if row[0] >= 2 * week]
if len(late) >= 2:
    first, last = late[0], late[-1]
    print(f"retention_soak: after two weeks of fake time ({2 * week:.0f} s), {last[1] - first[1]:,} more "
          f"messages changed executions by {last[2] - first[2]:+,}, the database by "
          f"{(last[3] - first[3]) / 1e6:+.1f} MB, the WAL by {(last[4] - first[4]) / 1e6:+.1f} MB, "
          f"RSS by {(last[5] - first[5]) / 1024:+.1f} MiB")
print(f"retention_soak: {rows[-1][1]:,} messages in {rows[-1][0]} s; peak executions "
      f"{max(r[2] for r in rows):,}, database {max(r[3] for r in rows) / 1e6:.1f} MB, WAL "
      f"{max(r[4] for r in rows) / 1e6:.1f} MB, RSS {max(r[5] for r in rows) / 1024:.1f} MiB")
PY
