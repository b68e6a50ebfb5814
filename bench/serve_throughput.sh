#!/usr/bin/env bash
# pjm serve under load (BENCHMARKS.md): wrk from Debian with 32 connections against the server on a
# SQLite file on disk (WAL, synchronous = FULL: every reply follows the commit that makes its
# message durable).
#   events: POST …/messages in the URL-parameter form with the x-nonce, `update` events
#           spread over 8 jobs; every one a committed transaction (checked in the database);
#   reads:  GET …/jobs/<uuid> of a job with a short history.
# Prints requests per second, p99 latency, messages per commit and the server's peak RSS.
# Needs wrk (apt-get install wrk); without it, says so and skips.
set -euo pipefail
PJM=${PJM:?PJM must point at the pjm binary}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-32}
WRK_THREADS=${WRK_THREADS:-2}
if ! command -v wrk >/dev/null; then
    echo "serve_throughput: skipped, wrk is not installed (apt-get install wrk)"
    exit 0
fi
source "$(dirname "$0")/lib.bash"
bench_setup bench

P=$("$PJM" --local pipeline add --name bench)
mk() { # mk N : prints "uuid token" of a new, running job
    "$PJM" --local --json create --pipeline "$P" --archive-path /a --data "{\"job\": $1}" |
        python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["uuid"], d["token"])'
}
for i in 1 2 3 4 5 6 7 8; do mk "$i"; done >"$WORK/jobs"
while read -r uuid token; do "$PJM" --local event run "$uuid" --token "$token" >/dev/null; done <"$WORK/jobs"
read -r READ_JOB READ_TOKEN < <(mk 0)
"$PJM" --local event run "$READ_JOB" --token "$READ_TOKEN" >/dev/null
for i in 1 2 3; do
    "$PJM" --local event update "$READ_JOB" --token "$READ_TOKEN" --data "{\"step\": $i}" >/dev/null
done

python3 - "$WORK/jobs" "$NONCE" >"$WORK/events.lua" <<'PY'
import sys
jobs = [line.split() for line in open(sys.argv[1])]
print("jobs = {" + ", ".join('{"%s", "%s"}' % (u, t) for u, t in jobs) + "}")
print('nonce = "%s"' % sys.argv[2])
print('''counter = 0
request = function()
  counter = counter + 1
  local j = jobs[(counter % #jobs) + 1]
  local path = "/actors/v2/bench/messages?uuid=" .. j[1] .. "&name=update&token=" .. j[2]
    .. "&x-nonce=" .. nonce
  return wrk.format("POST", path, {["Content-Type"] = "application/json"},
    '{"n": ' .. counter .. '}')
end''')
PY

# (SERVE_ARGS: more options for serve, such as --threads N.)
# shellcheck disable=SC2086
serve_start "$PJM" serve --listen 127.0.0.1:0 --actor-id bench --nonce-file "$WORK/nonces" ${SERVE_ARGS:-}

history_rows() { sqlite3 "$PJM_DATABASE" "SELECT count(*) FROM history"; }
# The server's CPU time so far (user + system), in clock ticks: a figure the machine's other
# work does not change, unlike requests per second.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$SERVER_PID/stat"; }
batches() { curl -s "$BASE/metrics" | sed -n 's/^pjm_writer_batches_total //p'; }
# wrk_run NAME ARGS… : runs wrk, keeps its report in $WORK/NAME.wrk
wrk_run() {
    local name=$1
    shift
    wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$@" >"$WORK/$name.wrk" 2>&1
}

ROWS0=$(history_rows)
BATCHES0=$(batches)
CPU0=$(cpu_ticks)
wrk_run events -s "$WORK/events.lua" "$BASE"
CPU1=$(cpu_ticks)
ROWS1=$(history_rows)
BATCHES1=$(batches)
wrk_run reads "$BASE/actors/v2/bench/jobs/$READ_JOB?x-nonce=$NONCE"
CPU2=$(cpu_ticks)
HWM=$(sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$SERVER_PID/status")
FS=$(df -T "$WORK" | awk 'NR==2 {print $2}')
LOAD=$(cut -d' ' -f1-3 /proc/loadavg)

python3 - "$WORK" "$((ROWS1 - ROWS0))" "$((BATCHES1 - BATCHES0))" "$HWM" "$FS" \
    "$CONNECTIONS" "$DURATION" "$WRK_THREADS" "$LOAD" "$(nproc)" "$((CPU1 - CPU0))" \
    "$((CPU2 - CPU1))" "$(getconf CLK_TCK)" <<'PY'
import re, sys
(work, committed, batches, hwm_kb, fs, conns, duration, threads, load, cores, e_cpu, r_cpu,
 hz) = sys.argv[1:]
e_cpu, r_cpu, hz = int(e_cpu), int(r_cpu), int(hz)
committed, batches, hwm_kb = int(committed), int(batches), int(hwm_kb)

def report(name):
    text = open(f"{work}/{name}.wrk").read()
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    total = int(re.search(r"(\d+) requests in", text).group(1))
    m = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", text)
    p99 = float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    errors = re.search(r"Socket errors: (.*)", text)
    return rps, total, p99, int(bad.group(1)) if bad else 0, errors.group(1) if errors else ""

e_rps, e_total, e_p99, e_bad, e_err = report("events")
r_rps, r_total, r_p99, r_bad, r_err = report("reads")
print(f"serve_throughput: wrk -t{threads} -c{conns} -d{duration}, database on {fs}, "
      f"{cores} cores, load average {load} (other work on the machine)")
print(f"  events: {e_rps:,.0f}/s, p99 {e_p99:.1f} ms; {e_total:,} replies, {committed:,} "
      f"history entries committed, {e_bad} not 2xx; {committed / max(batches, 1):.1f} "
      f"messages per commit; server CPU {e_cpu / hz / max(e_total, 1) * 1e6:.0f} µs per event"
      f"{'; socket errors: ' + e_err if e_err else ''}")
print(f"  job reads: {r_rps:,.0f}/s, p99 {r_p99:.1f} ms; {r_bad} not 2xx; server CPU "
      f"{r_cpu / hz / max(r_total, 1) * 1e6:.0f} µs per read"
      f"{'; socket errors: ' + r_err if r_err else ''}")
print(f"  server peak RSS (VmHWM): {hwm_kb / 1024:.1f} MiB")
# Every event answered 200 is one committed history entry (wrk may count a few replies
# more or less at the end of its run, when it stops mid-request).
if e_bad or abs(committed - e_total) > int(conns):
    print(f"serve_throughput: {e_total} replies but {committed} entries committed", file=sys.stderr)
    sys.exit(1)
PY
