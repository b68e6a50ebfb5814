#!/usr/bin/env bash
# Concurrent writers through pjm serve are exact, on every backend:
# - 32 connections x 125 update events on one job through one server: exactly 4,000 new
#   history entries numbered without gaps, each connection's events in its own order, every
#   reply a 200;
# - the same through two servers on different ports sharing one database, the connections
#   spread across both (how a site runs stateless replicas over one database);
# - 32 connections racing finish and fail on a RUNNING job: one state change wins, the others
#   get 409, and the history holds exactly the events that were accepted.
# pjm-test: sanitize on SQLite too (many writers through one SQLite writer thread)
source "$PJM_TEST_LIB"
command -v curl >/dev/null || { echo "serve_concurrency_test: curl is not installed" >&2; exit 1; }

ACTOR=pjmconc
CONNECTIONS=32
EACH=${PJM_TEST_SERVE_EACH:-125}
SERVERS=()
stop_servers() {
    local pid
    for pid in "${SERVERS[@]}"; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; done
}
trap stop_servers EXIT

# start_server NAME : starts pjm serve on a free port; sets SERVER_URL to its messages URL.
start_server() {
    local log="$WORK/serve-$1.log" i port=""
    "$PJM" serve --listen 127.0.0.1:0 --actor-id "$ACTOR" --no-auth >/dev/null 2>"$log" &
    SERVERS+=($!)
    for i in $(seq 1 200); do
        port=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$log")
        [ -n "$port" ] && break
        sleep 0.05
    done
    [ -n "$port" ] || { echo "the server did not start:" >&2; cat "$log" >&2; exit 1; }
    for i in $(seq 1 100); do
        curl -sf -o /dev/null "http://127.0.0.1:$port/healthz" && break
        sleep 0.05
    done
    SERVER_URL="http://127.0.0.1:$port/actors/v2/$ACTOR/messages"
}

# storm JOB TOKEN URL… : CONNECTIONS clients, each on its own keep-alive connection to one of
# the URLs (round robin), post EACH update events at once; exits non-zero on any non-200.
storm() {
    python3 - "$CONNECTIONS" "$EACH" "$@" <<'PY'
import http.client, json, sys, threading, time, urllib.parse
connections, each, job, token, urls = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5:]
start = threading.Barrier(connections)
errors = []
def client(c):
    u = urllib.parse.urlsplit(urls[c % len(urls)])
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=120)
    start.wait()
    for i in range(each):
        body = json.dumps({"uuid": job, "name": "update", "token": token, "data": {"c": c, "i": i}})
        try:
            conn.request("POST", u.path, body, {"Content-Type": "application/json"})
            r = conn.getresponse()
            text = r.read()
        except Exception as e:  # a connection that failed is an error too, never a retry
            errors.append(f"connection {c} event {i}: {type(e).__name__}: {e}")
            return
        if r.status != 200 or json.loads(text)["status"] != "success":
            errors.append(f"connection {c} event {i}: HTTP {r.status} {text[:200]!r}")
            return
threads = [threading.Thread(target=client, args=(c,)) for c in range(connections)]
t0 = time.time()
for t in threads: t.start()
for t in threads: t.join()
print(f"{connections * each} events over {connections} connections to {len(urls)} server(s) "
      f"in {time.time() - t0:.1f}s", file=sys.stderr)
for e in errors[:5]: print(e, file=sys.stderr)
sys.exit(1 if errors else 0)
PY
}

# expect_exact JOB WHAT : the job holds create, run and then exactly the storm's events, each
# connection's in the order it sent them, numbered 1..N without gaps.
expect_exact() {
    local job=$1 what=$2 total=$((2 + CONNECTIONS * EACH))
    expect_eq "$(db_query "SELECT count(*) || ' ' || min(seq) || ' ' || max(seq) || ' ' || count(DISTINCT seq) FROM history WHERE job_uuid = '$job'")" \
        "$total 1 $total $total" "$what: history rows numbered 1..N"
    expect_eq "$(db_query "SELECT event_count FROM jobs WHERE uuid = '$job'")" "$total" \
        "$what: the job's event count"
    check
    db_query "SELECT data FROM history WHERE job_uuid = '$job' AND seq > 2 ORDER BY seq" |
        python3 -c '
import json, sys
connections, each = int(sys.argv[1]), int(sys.argv[2])
seen = {}
for line in sys.stdin:
    d = json.loads(line)
    seen.setdefault(d["c"], []).append(d["i"])
assert sorted(seen) == list(range(connections)), sorted(seen)
for c, got in seen.items():
    assert got == list(range(each)), (c, got[:10])
' "$CONNECTIONS" "$EACH" || fail "$what: each connection's events are not all there in order"
}

start_server a
URL_A=$SERVER_URL

# --- 32 connections through one server
setup_job one '{"n": 1}'
run --local event run "$JOB" --token "$TOKEN"
check
storm "$JOB" "$TOKEN" "$URL_A" 2>"$WORK/storm-one.err" ||
    fail "32 connections through one server: a request failed: $(cat "$WORK/storm-one.err")"
expect_exact "$JOB" "one server"

# --- two servers over one database, the connections spread across both
start_server b
URL_B=$SERVER_URL
setup_job two '{"n": 2}'
run --local event run "$JOB" --token "$TOKEN"
check
storm "$JOB" "$TOKEN" "$URL_A" "$URL_B" 2>"$WORK/storm-two.err" ||
    fail "two servers, one database: a request failed: $(cat "$WORK/storm-two.err")"
expect_exact "$JOB" "two servers"
check
[ "$(grep -c . "$WORK/serve-b.log")" -ge 1 ] || fail "the second server logged nothing"

# --- finish and fail racing on a RUNNING job, across both servers
setup_job race '{"n": 3}'
run --local event run "$JOB" --token "$TOKEN"
check
python3 - "$JOB" "$TOKEN" "$URL_A" "$URL_B" >"$WORK/race.out" <<'PY' || fail "the race did not run"
import http.client, json, sys, threading, urllib.parse
job, token, urls = sys.argv[1], sys.argv[2], sys.argv[3:]
n = 32
start = threading.Barrier(n)
results = [None] * n
def racer(i):
    name = "finish" if i % 2 == 0 else "fail"
    u = urllib.parse.urlsplit(urls[i % len(urls)])
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
    conn.connect()
    start.wait()
    try:
        conn.request("POST", u.path, json.dumps({"uuid": job, "name": name, "token": token,
                                                 "data": {"racer": i}}))
        r = conn.getresponse()
        r.read()
        results[i] = (name, r.status)
    except Exception as e:
        results[i] = (name, f"{type(e).__name__}")
threads = [threading.Thread(target=racer, args=(i,)) for i in range(n)]
for t in threads: t.start()
for t in threads: t.join()
for i, (name, status) in enumerate(results):
    print(i, name, status)
PY
history=$(db_query "SELECT name || ' ' || data FROM history WHERE job_uuid = '$JOB' AND seq > 2 ORDER BY seq")
check
python3 - "$WORK/race.out" "$history" <<'PY' || fail "finish vs fail through serve: not one winner and 409s"
import json, sys
results = [line.split() for line in open(sys.argv[1]) if line.strip()]
rows = [line.split(" ", 1) for line in sys.argv[2].splitlines() if line]
entries = [(name, json.loads(data)["racer"]) for name, data in rows]
assert len(results) == 32, results
statuses = {int(i): (name, int(status)) for i, name, status in results}
assert all(s in (200, 409) for _, s in statuses.values()), statuses
won = sorted((name, i) for i, (name, s) in statuses.items() if s == 200)
assert sorted(entries) == won, (entries, won)
assert entries, "nobody won"
if entries[0][0] == "fail":
    assert len(entries) == 1, entries
else:
    assert all(n == "finish" for n, _ in entries), entries
PY

finish
