#!/usr/bin/env bash
# Clients that try to exhaust a real `pjm serve` (docs/http.md): 100 idle connections and 100
# that trickle their header a byte at a time must not delay /healthz or a message (each
# answered within 1 s); the tricklers get 408 at the head deadline and the idle ones are
# closed; an unauthenticated chunked POST that never ends is refused (401) and cut off, not
# read; 300 MB of headers are refused (431) after a few megabytes at most, and the server's
# memory stays small; pipelined requests are answered in order, each logged; SIGTERM ends the
# server at once when only waiting connections are open; SIGHUP does not end it (it reloads). A bearer token
# shorter than 16 characters is refused at start. A database that takes no more writes makes
# /healthz answer 503.
source "$PJM_TEST_LIB"

BEARER=hostile-b3arer-$RANDOM$RANDOM
ACTOR=hostile
printf '%s\n' "$BEARER" >"$WORK/bearers"
setup_job demo '{"n": 1}'
run --local event run "$JOB" --token "$TOKEN"
[ "$RC" -eq 0 ] || { cat "$ERR" >&2; exit 1; }

# A bearer token short enough to guess is refused at start (exit 2), without being shown.
printf 'b1\n' >"$WORK/short-bearers"
run serve --listen 127.0.0.1:0 --actor-id "$ACTOR" --bearer-file "$WORK/short-bearers"
expect_rc 2 "pjm serve with a 2-character bearer token"
expect_err "value 1 has 2 characters; at least 16 are needed" "the short token's refusal"

"$PJM" serve --listen 127.0.0.1:0 --actor-id "$ACTOR" --bearer-file "$WORK/bearers" \
    >/dev/null 2>"$WORK/serve.log" &
PID=$!
trap 'kill "$PID" 2>/dev/null' EXIT
PORT=""
for _ in $(seq 1 200); do
    PORT=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$WORK/serve.log")
    [ -n "$PORT" ] && break
    sleep 0.05
done
[ -n "$PORT" ] || { echo "serve_hostile_clients_test: the server did not start" >&2; cat "$WORK/serve.log" >&2; exit 1; }

# The attacks, from one Python process; each result is one "name value" line.
python3 - "$PORT" "$PID" "$BEARER" "$ACTOR" "$JOB" "$TOKEN" >"$WORK/results" 2>"$WORK/python.err" <<'PY' &
import json, re, socket, sys, threading, time
port, pid, bearer, actor, job, token = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6]
M = "/actors/v2/%s/messages" % actor

def say(name, value):
    print(name, value, flush=True)

def connect():
    return socket.create_connection(("127.0.0.1", port), timeout=15)

def read_reply(s, timeout):
    s.settimeout(timeout)
    data = b""
    try:
        while b"\r\n\r\n" not in data:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
        head, _, rest = data.partition(b"\r\n\r\n")
        length = [int(l.split(b":", 1)[1]) for l in head.split(b"\r\n")[1:]
                  if l.lower().startswith(b"content-length:")]
        while length and len(rest) < length[0]:
            chunk = s.recv(65536)
            if not chunk:
                break
            rest += chunk
        return head, rest
    except (socket.timeout, ConnectionResetError):
        return data, b""

def status_of(head):
    parts = head.split(b" ")
    return parts[1].decode() if len(parts) > 1 and head.startswith(b"HTTP/1.1 ") else "none"

def rss_kib():
    for line in open("/proc/%s/status" % pid):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return -1

def timed(request):
    start = time.monotonic()
    s = connect()
    s.sendall(request)
    head, body = read_reply(s, 5)
    s.close()
    return status_of(head), time.monotonic() - start

# --- 100 idle and 100 trickling connections --------------------------------------------------
say("rss_base_kib", rss_kib())  # growth is checked, not size: a sanitizer build starts large
idle = [connect() for _ in range(100)]
tricklers = []
stop_trickling = threading.Event()
trickle_results = []
def trickle(s):
    s.sendall(("POST %s HTTP/1.1\r\nHost: x\r\n" % M).encode())
    start = time.monotonic()
    s.setblocking(False)
    got = b""
    while not stop_trickling.is_set() and time.monotonic() - start < 14:
        try:
            s.send(b"X")
        except (BlockingIOError, OSError):
            pass
        try:
            chunk = s.recv(4096)
            if not chunk:
                break
            got += chunk
            if b"\r\n\r\n" in got:
                break
        except BlockingIOError:
            pass
        except OSError:
            break
        time.sleep(0.2)
    trickle_results.append((status_of(got.partition(b"\r\n\r\n")[0]), time.monotonic() - start))
for _ in range(100):
    s = connect()
    tricklers.append(s)
threads = [threading.Thread(target=trickle, args=(s,)) for s in tricklers]
for t in threads: t.start()
time.sleep(1.5)
status, took = timed(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
say("healthz_status", status)
say("healthz_ms", int(took * 1000))
event = json.dumps({"uuid": job, "name": "update", "token": token, "data": {"probe": 1}}).encode()
status, took = timed(("POST %s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: %d\r\n\r\n" % (M, bearer, len(event))).encode() + event)
say("message_status", status)
say("message_ms", int(took * 1000))
say("rss_with_200_kib", rss_kib())

for t in threads: t.join()
statuses = sorted(set(r[0] for r in trickle_results))
say("trickle_statuses", ",".join(statuses))
say("trickle_max_s", int(max(r[1] for r in trickle_results)))
closed = 0
for s in idle:
    s.settimeout(3)
    try:
        closed += 1 if s.recv(1) == b"" else 0
    except (socket.timeout, OSError):
        pass
    s.close()
say("idle_closed", closed)
for s in tricklers: s.close()

# flood NAME HEAD BLOCK: sends HEAD, then BLOCK again and again (for 6 s, or 300 MB) until the
# server stops taking it; reports its status, whether it cut the client off, and how much went.
def flood(name, head, block):
    s = connect()
    s.sendall(head)
    sent, start, cut = 0, time.monotonic(), False
    s.settimeout(1)
    while time.monotonic() - start < 6 and sent < 300 * 1024 * 1024:
        try:
            s.sendall(block)
            sent += len(block)
        except (socket.timeout, OSError):
            cut = True
            break
    reply, _ = read_reply(s, 2)
    s.close()
    say(name + "_status", status_of(reply))
    say(name + "_cut", "yes" if cut else "no")
    say(name + "_sent_mb", sent // (1024 * 1024))

# --- An unauthenticated chunked POST that never ends; 300 MB of headers -------------------------
flood("endless", ("POST %s HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" % M).encode(),
      b"10000\r\n" + b"z" * 0x10000 + b"\r\n")
flood("headers", b"GET /healthz HTTP/1.1\r\nHost: x\r\n", (b"X-Pad: " + b"p" * 1000 + b"\r\n") * 64)
say("rss_after_kib", rss_kib())

# --- Three pipelined requests in one write ------------------------------------------------------
s = connect()
s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
          b"GET /actors/v2/%s/jobs/%s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n\r\n" % (actor.encode(), job.encode(), bearer.encode()) +
          b"GET /nothing HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
data = b""
s.settimeout(5)
try:
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
except socket.timeout:
    pass
s.close()
say("pipelined", ",".join(m.decode() for m in re.findall(rb"HTTP/1\.1 (\d{3}) ", data)))

# --- A message of a 900 KB event name: refused in a short reply, kept as a short log ----------
huge = json.dumps({"uuid": job, "name": "x" * 900000, "token": token}).encode()
s = connect()
s.sendall(("POST %s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Length: %d\r\n\r\n" % (M, bearer, len(huge))).encode() + huge)
head, body = read_reply(s, 5)
s.close()
say("huge_status", status_of(head))
doc = json.loads(body)
say("huge_message_bytes", len(doc["message"].encode()))
execution = doc["result"]["execution_id"]
s = connect()
s.sendall(("GET /actors/v2/%s/executions/%s/logs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n\r\n" % (actor, execution, bearer)).encode())
head, body = read_reply(s, 5)
s.close()
say("huge_log_bytes", len(json.loads(body)["result"]["logs"].encode()))

# --- Waiting connections for the SIGTERM below --------------------------------------------------
waiting = [connect() for _ in range(50)]
say("waiting", len(waiting))
sys.stdout.flush()
time.sleep(30)  # killed by the test once it has sent SIGTERM and timed the stop
PY
PY_PID=$!
trap 'kill "$PID" "$PY_PID" 2>/dev/null' EXIT
for _ in $(seq 1 600); do
    grep -q '^waiting ' "$WORK/results" && break
    kill -0 "$PY_PID" 2>/dev/null || break
    sleep 0.1
done
result() { sed -n "s/^$1 //p" "$WORK/results"; }
[ -n "$(result waiting)" ] || { echo "serve_hostile_clients_test: the attacks did not finish:" >&2; cat "$WORK/results" "$WORK/python.err" >&2; exit 1; }

# SIGHUP (a closed terminal, an operator reloading) does not end the server: it reloads the
# credentials (tls_test checks what a reload changes).
kill -HUP "$PID"
sleep 0.3
check
kill -0 "$PID" 2>/dev/null || fail "SIGHUP ended pjm serve"
check
grep -q 'SIGHUP: reloaded credentials (1 bearer tokens' "$WORK/serve.log" ||
    fail "the log says SIGHUP reloaded the credentials"

# SIGTERM with 50 connections waiting for a request: the server stops at once, exit 0.
start=$(date +%s%N)
kill -TERM "$PID"
wait "$PID"
RC=$?
stop_ms=$((($(date +%s%N) - start) / 1000000))
kill "$PY_PID" 2>/dev/null
wait "$PY_PID" 2>/dev/null

expect_eq "$(result healthz_status)" 200 "/healthz beside 200 slow connections"
check
[ "$(result healthz_ms)" -lt 1000 ] || fail "/healthz took $(result healthz_ms) ms beside 200 slow connections"
expect_eq "$(result message_status)" 200 "a message beside 200 slow connections"
check
[ "$(result message_ms)" -lt 1000 ] || fail "a message took $(result message_ms) ms beside 200 slow connections"
check
[ $(($(result rss_with_200_kib) - $(result rss_base_kib))) -lt 65536 ] ||
    fail "200 slow connections grew the server from $(result rss_base_kib) to $(result rss_with_200_kib) KiB"
# Each trickler is answered 408 at the head deadline (10 s), never later than a little after it.
expect_eq "$(result trickle_statuses)" 408 "connections trickling their header"
check
[ "$(result trickle_max_s)" -le 12 ] || fail "a trickling connection lasted $(result trickle_max_s) s"
expect_eq "$(result idle_closed)" 100 "idle connections closed at the head deadline"
expect_eq "$(result endless_status)" 401 "an endless unauthenticated chunked POST"
expect_eq "$(result endless_cut)" yes "an endless unauthenticated chunked POST is cut off"
check
[ "$(result endless_sent_mb)" -lt 16 ] || fail "the server took $(result endless_sent_mb) MB of an unauthenticated body"
expect_eq "$(result headers_status)" 431 "300 MB of headers"
expect_eq "$(result headers_cut)" yes "300 MB of headers are cut off"
check
[ "$(result headers_sent_mb)" -lt 16 ] || fail "the server took $(result headers_sent_mb) MB of headers"
check
[ $(($(result rss_after_kib) - $(result rss_base_kib))) -lt 65536 ] ||
    fail "the server grew from $(result rss_base_kib) to $(result rss_after_kib) KiB"
expect_eq "$(result pipelined)" "200,200,404" "three pipelined requests, answered in order"
check
[ "$(grep -c ' GET /healthz 200 ' "$WORK/serve.log")" -ge 2 ] || fail "each pipelined request has its log line"
expect_eq "$(result huge_status)" 400 "a 900 KB event name"
check
[ "$(result huge_message_bytes)" -lt 1024 ] || fail "the refusal of a 900 KB event name is $(result huge_message_bytes) bytes"
check
[ "$(result huge_log_bytes)" -lt 2100 ] || fail "the execution kept a log of $(result huge_log_bytes) bytes"
expect_eq "$RC" 0 "pjm serve's exit code after SIGTERM"
check
[ "$stop_ms" -lt 5000 ] || fail "SIGTERM took $stop_ms ms with only waiting connections open"
check
grep -q 'pjm serve: stopped' "$WORK/serve.log" || fail "the log says the server stopped"
# The probe message was applied once.
run --local status "$JOB" --json
check
[ "$(grep -o '"probe"' "$OUT" | wc -l)" -eq 1 ] || fail "the probe message is in the job's history once"
# A database that takes no more writes (here: a file size limit, as a full disk would) makes
# /healthz answer 503 once a message could not be saved, though reads still work.
if [ "$TEST_BACKEND" = sqlite ]; then
    SMALL="$WORK/small.db"
    SP=$("$PJM" --local --db "$SMALL" pipeline add --name small)
    run --local --db "$SMALL" --json create --pipeline "$SP" --archive-path /a
    SJOB=$(json_field uuid) STOKEN=$(json_field token)
    (ulimit -f 400 && exec "$PJM" --db "$SMALL" serve --listen 127.0.0.1:0 --actor-id small \
        --bearer-file "$WORK/bearers") 2>&1 >/dev/null | cat >"$WORK/small.log" &
    for _ in $(seq 1 100); do
        SPORT=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$WORK/small.log")
        [ -n "$SPORT" ] && break
        sleep 0.05
    done
    python3 -c 'import json; print(json.dumps({"pad": "x" * 100000}))' >"$WORK/pad.json"
    status=""
    for i in $(seq 1 20); do
        status=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $BEARER" \
            --data "{\"uuid\": \"$SJOB\", \"name\": \"update\", \"token\": \"$STOKEN\", \"data\": $(cat "$WORK/pad.json")}" \
            "http://127.0.0.1:$SPORT/actors/v2/small/messages")
        [ "$status" = 503 ] && break
    done
    expect_eq "$status" 503 "a message the full database cannot save"
    curl -s -o "$OUT" -w '%{http_code}' "http://127.0.0.1:$SPORT/healthz" >"$WORK/health.status"
    expect_eq "$(cat "$WORK/health.status")" 503 "/healthz of a database that takes no writes"
    expect_out "does not take writes" "/healthz says why"
    pkill -f "actor-id small" 2>/dev/null
fi

finish
