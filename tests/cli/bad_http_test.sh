#!/usr/bin/env bash
# Bad requests to a real `pjm serve` (docs/protocol.md#pjm-serve-routes-and-http-statuses), one
# line each in the catalog below: bodies over the limit (by Content-Length, chunked, compressed,
# and under a small --max-body), bodies that are no message (empty, truncated, not an object,
# duplicate keys, bad UTF-8, NUL bytes, huge numbers, deep nesting, form data whatever the
# Content-Type), framing that could be read two ways, bad query strings, URL-parameter messages
# missing fields, header injection with bare CR/LF and NUL (sent on a raw socket: curl refuses
# them), malformed Authorization headers, unknown bearer or nonce, tokens of another job, admin
# tokens expired or made with another secret or key, another actor, unknown jobs, lifecycle
# conflicts, bad Idempotency-Keys, every route with a method it does not answer, and paths that
# try to climb out.
#
# Each case must get its HTTP status, an Abaco error envelope whose message says what was wrong,
# no secret in the reply, and leave the database as it was: settings, pipelines, jobs and
# history unchanged (one dump compared per case), and the executions table (Abaco records an
# execution for every message it handled, refused ones included) grown by one row only when the
# reply names that execution, with the exit code of the status.
source "$PJM_TEST_LIB"

BEARER=bad-http-b3arer-$RANDOM$RANDOM
NONCE=bad-http-n0nce-$RANDOM$RANDOM
ACTOR=badhttp
printf '%s\n' "$BEARER" >"$WORK/bearers"
printf '%s\n' "$NONCE" >"$WORK/nonces"

# JOB (CREATED) with TOKEN, JOB2 with TOKEN2, HIDDEN (soft-deleted) with HTOKEN, GONE
# (force-deleted) with GTOKEN; ADMIN is valid now.
setup_job second '{"n": 2}'
JOB2=$JOB TOKEN2=$TOKEN
setup_job third '{"n": 3}'
HIDDEN=$JOB HTOKEN=$TOKEN
setup_job fourth '{"n": 4}'
GONE=$JOB GTOKEN=$TOKEN
setup_job demo '{"n": 1}'
run --local delete "$HIDDEN" --token "$ADMIN"
[ "$RC" -eq 0 ] || { cat "$ERR" >&2; exit 1; }
run --local delete "$GONE" --force --token "$ADMIN"
[ "$RC" -eq 0 ] || { cat "$ERR" >&2; exit 1; }
NOW=$(date +%s)
# Admin tokens are valid in their window and the one after (docs/protocol.md#tokens): two
# windows back is expired. Another secret or another key makes tokens that are never valid here.
ADMIN_OLD=$("$PJM" --local token admin --at $((NOW - 7200)))
ADMIN_PREV=$("$PJM" --local token admin --at $((NOW - 3600)))
ADMIN_OTHER=$(PJM_ADMIN_SECRET=not-this-database-secret "$PJM" --local token admin)
ADMIN_KEY=$("$PJM" --local token admin --key not-the-key)
SECRET=$(db_query "SELECT value FROM settings WHERE key = 'admin_secret'")
[ -n "$SECRET" ] && [ -n "$ADMIN_OLD" ] || { echo "bad_http_test: setup failed" >&2; exit 1; }
UNKNOWN=107aaaaa-bbbb-5ccc-8ddd-eeeeeeeeeeee
UNKNOWN_PIPELINE=106aaaaa-bbbb-5ccc-8ddd-eeeeeeeeeeee

# --- Two servers: the default limit (1 MiB), and --max-body 200 ---------------------------------
PIDS=()
stop_servers() {
    local pid
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; done
}
trap stop_servers EXIT
# start_server LOG ARGS… : starts pjm serve on a free port; prints its pid and port.
start_server() {
    local log=$1
    shift
    "$PJM" serve --listen 127.0.0.1:0 --actor-id "$ACTOR" --bearer-file "$WORK/bearers" \
        --nonce-file "$WORK/nonces" "$@" >/dev/null 2>"$log" &
    local pid=$! i port=""
    for i in $(seq 1 200); do
        port=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$log")
        [ -n "$port" ] && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.05
    done
    [ -n "$port" ] || { echo "bad_http_test: the server did not start:" >&2; cat "$log" >&2; exit 1; }
    echo "$pid $port"
}
read -r PID PORT < <(start_server "$WORK/serve.log")
[ -n "${PORT:-}" ] || exit 1
PIDS+=("$PID")
read -r SMALL_PID SMALL_PORT < <(start_server "$WORK/serve-small.log" --max-body 200)
[ -n "${SMALL_PORT:-}" ] || exit 1
PIDS+=("$SMALL_PID")
M="/actors/v2/$ACTOR/messages"
A="/actors/v2/$ACTOR"

# --- The client: every request on a raw socket ---------------------------------------------------
# httpc.py runs once, beside the test (a coprocess: one Python start, not one per request). It
# reads requests on stdin (a count line, then that many NUL-terminated arguments: PORT send
# METHOD TARGET [options], or PORT raw FILE), sends each, reads the reply (headers in $HDRS,
# body in $OUT, the envelope's message in $MESSAGE) and answers one line:
# "status<TAB>envelope<TAB>execution id<TAB>leaks", where envelope is "ok" for an Abaco error
# envelope {status: "error", message, version, result} and leaks names the secrets (from
# $SECRETS) found in the reply's headers or body.
cat >"$WORK/httpc.py" <<'PY'
import gzip, json, os, socket, sys

def build(port, method, target, args):
    headers = [("Host", "127.0.0.1:%d" % port), ("Connection", "close")]
    bearer, body, chunked, compress = True, None, False, False
    i = 0
    while i < len(args):
        a = args[i]
        if a == "-H":
            name, value = args[i + 1].split(":", 1)
            headers.append((name, value.strip()))
            i += 1
        elif a in ("-d", "-f"):
            body = args[i + 1].encode() if a == "-d" else open(args[i + 1], "rb").read()
            i += 1
        elif a == "--no-bearer":
            bearer = False
        elif a == "--chunked":
            chunked = True
        elif a == "--gzip":
            compress = True
        else:
            raise SystemExit("httpc: unknown option " + a)
        i += 1
    if bearer:
        headers.append(("Authorization", "Bearer " + os.environ["BEARER"]))
    framed = b""
    if body is not None and compress:
        body = gzip.compress(body)
        headers.append(("Content-Encoding", "gzip"))
    if body is not None and chunked:
        headers.append(("Transfer-Encoding", "chunked"))
        framed = b"".join(b"%x\r\n%s\r\n" % (len(body[k:k + 65536]), body[k:k + 65536])
                          for k in range(0, len(body), 65536)) + b"0\r\n\r\n"
    elif body is not None:
        headers.append(("Content-Length", str(len(body))))
        framed = body
    request = ("%s %s HTTP/1.1\r\n" % (method, target)).encode()
    return request + b"".join(("%s: %s\r\n" % h).encode() for h in headers) + b"\r\n" + framed

def exchange(port, request):
    reply = b""
    s = socket.create_connection(("127.0.0.1", port), timeout=8)
    try:
        s.sendall(request)
    except OSError:
        pass  # the server may refuse before the whole body is sent; its reply is still there
    try:
        while True:
            head, sep, rest = reply.partition(b"\r\n\r\n")
            if sep:
                length = [l.split(b":", 1)[1] for l in head.split(b"\r\n")[1:]
                          if l.lower().startswith(b"content-length:")]
                if length and len(rest) >= int(length[0]):
                    break
            chunk = s.recv(65536)
            if not chunk:
                break
            reply += chunk
    except socket.timeout:
        return None
    except ConnectionResetError:
        pass
    finally:
        s.close()
    return reply

def answer(args):
    port, mode, args = int(args[0]), args[1], args[2:]
    request = open(args[0], "rb").read() if mode == "raw" else build(port, args[0], args[1], args[2:])
    open(os.environ["MESSAGE"], "w").close()
    reply = exchange(port, request)
    if reply is None:
        return "timeout\t-\t-\t-"
    head, _, body = reply.partition(b"\r\n\r\n")
    open(os.environ["HDRS"], "wb").write(head)
    open(os.environ["OUT"], "wb").write(body)
    status = head.split(b" ")[1].decode() if head.startswith(b"HTTP/1.1 ") else "none"
    envelope, execution = "not an envelope", "-"
    try:
        doc = json.loads(body)
        if set(doc) != {"status", "message", "version", "result"}:
            envelope = "keys " + ",".join(sorted(doc))
        elif doc["status"] != "error" or not isinstance(doc["message"], str) or not doc["message"]:
            envelope = "status %r, message %r" % (doc["status"], doc["message"][:80])
        else:
            envelope = "ok"
            open(os.environ["MESSAGE"], "w").write(doc["message"])
            result = doc["result"]
            if isinstance(result, dict) and result.get("execution_id"):
                execution = result["execution_id"]
    except (ValueError, AttributeError, TypeError):
        pass
    leaks = [name for name, value in (kv.split("=", 1) for kv in os.environ["SECRETS"].split())
             if value.encode() in reply]
    return "%s\t%s\t%s\t%s" % (status, envelope, execution, ",".join(leaks) or "none")

stdin = sys.stdin.buffer
while True:
    count = stdin.readline()
    if not count:
        break
    args = []
    for _ in range(int(count)):
        arg = b""
        while (byte := stdin.read(1)) not in (b"\0", b""):
            arg += byte
        args.append(arg.decode("utf-8", "surrogateescape"))
    try:
        line = answer(args)
    except Exception as e:  # a broken case must not stop the others
        line = "error\t%s\t-\t-" % str(e).replace("\t", " ").replace("\n", " ")
    print(line, flush=True)
PY
export BEARER OUT HDRS="$WORK/headers" MESSAGE="$WORK/message"
export SECRETS="bearer=$BEARER nonce=$NONCE token=$TOKEN token2=$TOKEN2 htoken=$HTOKEN \
admin=$ADMIN admin_prev=$ADMIN_PREV admin_secret=$SECRET"
# helper NAME IN OUT COMMAND… : starts COMMAND beside the test, its stdin written on fd IN and
# its stdout read on fd OUT (fifos: bash keeps only one coprocess).
helper() {
    local name=$1 in=$2 out=$3
    shift 3
    mkfifo "$WORK/$name.in" "$WORK/$name.out"
    "$@" <"$WORK/$name.in" >"$WORK/$name.out" 2>&1 &
    eval "exec $in>\"\$WORK/$name.in\" $out<\"\$WORK/$name.out\""
}
helper httpc 5 6 python3 "$WORK/httpc.py"
REPLY=""
httpc() {
    printf '%s\n' "$#" >&5
    printf '%s\0' "$@" >&5
    IFS= read -r REPLY <&6 || REPLY="the client is gone"
}
# send METHOD TARGET [--port N] [-H 'N: v']… [-d TEXT | -f FILE] [--chunked] [--gzip]
#      [--no-bearer] : one well-formed request (with "Authorization: Bearer $BEARER" unless
#      told), to the main server or the one on port N.
send() {
    local port=$PORT
    if [ "${3:-}" = --port ]; then
        port=$4
        set -- "$1" "$2" "${@:5}"
    fi
    httpc "$port" send "$@"
}
# raw FORMAT ARGS… : the request's bytes exactly as printf makes them (\r, \n, \0, \xff).
raw() {
    local format=$1
    shift
    # shellcheck disable=SC2059
    printf "$format" "$@" >"$WORK/request"
    httpc "$PORT" raw "$WORK/request"
}
IN="$WORK/body"
# body FORMAT ARGS… : writes a request body (printf FORMAT) to $IN.
body() {
    local format=$1
    shift
    # shellcheck disable=SC2059
    printf "$format" "$@" >"$IN"
}
nest() { python3 -c 'import sys; n = int(sys.argv[1]); print("{\"a\": " * (n - 1) + "{}" + "}" * (n - 1))' "$1"; }
DATA64=$(nest 64)
EV="{\"uuid\": \"$JOB\", \"name\": \"update\", \"token\": \"$TOKEN\"}" # a valid event
AGAVE='{"owner": "o", "appId": "a", "executionSystem": "e", "archivePath": "p", "archiveSystem": "s", "status": "RUNNING", "inputs": {}, "parameters": {}, "_links": {}}'
python3 -c "
import json, sys
print(json.dumps({'uuid': sys.argv[1], 'name': 'update', 'token': sys.argv[2], 'data': {'pad': 'x' * 1200000}}))
" "$JOB" "$TOKEN" >"$WORK/big.json"
python3 -c "
import json, sys
print(json.dumps({'uuid': sys.argv[1], 'name': 'update', 'token': sys.argv[2], 'data': {'pad': 'x' * 150}}))
" "$JOB" "$TOKEN" >"$WORK/over200.json"
LONG_QUERY="uuid=$JOB&name=update&token=$TOKEN&pad=$(printf 'x%.0s' $(seq 1 9000))"
printf '%s' "$EV" | iconv -f UTF-8 -t UTF-16 >"$WORK/utf16.json"

# state [EXECUTION] : the database minus the executions table and its totals (its rows are
# checked on their own), then "executions N" and "exit code C" recorded for EXECUTION; one call to the database.
state() {
    local id=${1:--}
    [[ "$id" =~ ^[0-9A-Za-z]{16}$ ]] || id=-
    local count="SELECT 'executions ' || count(*) FROM executions"
    local code="SELECT 'exit code ' || exit_code FROM executions WHERE id = '$id'"
    case "$PJM_DATABASE" in
    postgres://* | postgresql://*)
        local t line
        for t in "pjm_schema_migrations ORDER BY version" "settings ORDER BY key" \
            "pipelines ORDER BY uuid" "jobs ORDER BY uuid" "history ORDER BY job_uuid, seq"; do
            printf '\\echo -- %s\nSELECT * FROM %s;\n' "${t%% *}" "$t" >&7
        done
        printf '%s;\n%s;\n\\echo -- end of state\n' "$count" "$code" >&7
        while IFS= read -r line <&8; do
            [ "$line" = "-- end of state" ] && break
            printf '%s\n' "$line"
        done
        ;;
    *) sqlite3 "$PJM_DATABASE" .dump "$count" "$code" |
        grep -v '^INSERT INTO executions VALUES\|^INSERT INTO execution_totals VALUES' ;;
    esac
}
# PostgreSQL: one psql session for the whole test, not one per case.
case "$PJM_DATABASE" in
postgres://* | postgresql://*) helper psql 7 8 psql "$PJM_DATABASE" -XqAt ;;
esac
core_of() { grep -v '^executions [0-9]*$\|^exit code ' <<<"$1"; }
executions_of() { sed -n 's/^executions \([0-9]*\)$/\1/p' <<<"$1"; }
exit_code_in() { sed -n 's/^exit code //p' <<<"$1"; }
exit_for_status() {
    case $1 in 400) echo 3 ;; 401 | 403) echo 5 ;; 404) echo 4 ;; 409) echo 6 ;; *) echo "none" ;; esac
}

# --- Slow cases, in the background while the catalog runs: a body that stops before its
# Content-Length, a chunked body without its last chunk. The server waits its read timeout
# (5 s of silence) for the rest, then refuses (408); nothing is applied.
python3 - "$PORT" "$BEARER" "$M" "$EV" >"$WORK/slow.out" 2>&1 <<'PY' &
import socket, sys, threading
port, bearer, path, ev = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
printing = threading.Lock()  # both threads finish together: keep their lines whole
def ask(name, request):
    s = socket.create_connection(("127.0.0.1", port), timeout=20)
    s.sendall(request)
    reply = b""
    try:
        while b"\r\n\r\n" not in reply:
            chunk = s.recv(65536)
            if not chunk:
                break
            reply += chunk
    except socket.timeout:
        reply = b"timeout"
    line = "%s %s\n" % (name, reply.split(b"\r\n")[0].decode(errors="replace"))
    with printing:
        sys.stdout.write(line)
        sys.stdout.flush()
head = "POST %s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n" % (path, bearer)
cut = (head + "Content-Length: %d\r\n\r\n" % (len(ev) + 10) + ev).encode()
unended = (head + "Transfer-Encoding: chunked\r\n\r\n%x\r\n%s\r\n" % (len(ev), ev)).encode()
threads = [threading.Thread(target=ask, args=a) for a in (("cut", cut), ("unended", unended))]
for t in threads: t.start()
for t in threads: t.join()
PY
SLOW_PID=$!

# One case per line: STATUS | fragment of the envelope's message | what | the request.
CASES=$(cat <<'EOF'
413|over the limit of 1048576 bytes|a body over 1 MiB with Content-Length and Expect: 100-continue|send POST "$M" -H 'Expect: 100-continue' -f "$WORK/big.json"
413|over the limit of 1048576 bytes|a body over 1 MiB with Content-Length, sent whole|send POST "$M" -f "$WORK/big.json"
413|over the limit of 1048576 bytes|a chunked body over 1 MiB|send POST "$M" --chunked -f "$WORK/big.json"
413|over the limit of 1048576 bytes|a gzip body of 1.2 MiB once decompressed|send POST "$M" --gzip -f "$WORK/big.json"
413|over the limit of 1048576 bytes|a Content-Length of 100 GB and no body|raw 'POST %s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Length: 100000000000\r\n\r\n' "$M" "$BEARER"
413|over the limit of 200 bytes|a body over --max-body 200|send POST "$M" --port "$SMALL_PORT" -f "$WORK/over200.json"
413|over the limit of 200 bytes|a chunked body over --max-body 200|send POST "$M" --port "$SMALL_PORT" --chunked -f "$WORK/over200.json"
413|over the limit of 200 bytes|a gzip body under 200 bytes, over it decompressed|send POST "$M" --port "$SMALL_PORT" --gzip -f "$WORK/over200.json"
400|malformed Content-Length|a negative Content-Length|raw 'POST %s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Length: -1\r\n\r\n{}' "$M" "$BEARER"
400|malformed Content-Length|a Content-Length that is no number|raw 'POST %s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Length: 2x\r\n\r\n{}' "$M" "$BEARER"
400|given twice with different values|two Content-Lengths that differ|raw 'POST %s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Length: 2\r\nContent-Length: %d\r\n\r\n%s' "$M" "$BEARER" "${#EV}" "$EV"
400|both Content-Length and Transfer-Encoding|Content-Length and chunked at once|raw 'POST %s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Length: %d\r\nTransfer-Encoding: chunked\r\n\r\n%s' "$M" "$BEARER" "${#EV}" "$EV"
501|Transfer-Encoding 'gzip' is not supported|a transfer coding other than chunked|raw 'POST %s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nTransfer-Encoding: gzip\r\n\r\n%s' "$M" "$BEARER" "$EV"
400|could not be read|a malformed chunk size|raw 'POST %s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n' "$M" "$BEARER"
415|Content-Encoding 'compress' is not supported|a Content-Encoding pjm cannot decode|send POST "$M" -H 'Content-Encoding: compress' -d "$EV"
415|Content-Encoding 'gzip, gzip' is not supported|a body compressed twice|send POST "$M" -H 'Content-Encoding: gzip, gzip' -d "$EV"
400|could not be read|Content-Encoding gzip on bytes that are not gzip|send POST "$M" -H 'Content-Encoding: gzip' -d "$EV"
400|empty message|an empty body (Content-Length: 0)|send POST "$M" -d ''
400|empty message|a POST without any body|send POST "$M"
400|empty message|a body of blanks|send POST "$M" -d $' \n\t '
400|invalid JSON|truncated JSON|send POST "$M" -d "{\"uuid\": \"$JOB\", \"name\": \"update\""
400|missing closing quote|JSON cut inside the token (never echoed)|send POST "$M" -d "{\"uuid\": \"$JOB\", \"name\": \"update\", \"token\": \"$TOKEN"
400|invalid JSON|single-quoted JSON|send POST "$M" -d "{'uuid': '$JOB', 'name': 'update'}"
400|must be a JSON object|a JSON array|send POST "$M" -d "[$EV]"
400|must be a JSON object|a JSON string|send POST "$M" -d '"update"'
400|must be a JSON object|a JSON number|send POST "$M" -d 107
400|must be a JSON object|JSON null|send POST "$M" -d null
400|invalid JSON|text after the object|send POST "$M" -d "$EV x"
400|the key 'name' appears twice|a duplicate key in the message|send POST "$M" -d "{\"uuid\": \"$JOB\", \"name\": \"finalize\", \"token\": \"$TOKEN\", \"name\": \"update\"}"
400|the key 'token' appears twice|a duplicate token key|send POST "$M" -d "{\"uuid\": \"$JOB\", \"name\": \"update\", \"token\": \"$TOKEN2\", \"token\": \"$TOKEN\"}"
400|the key 'a' appears twice|a duplicate key deep in data|send POST "$M" -d "{\"uuid\": \"$JOB\", \"name\": \"update\", \"token\": \"$TOKEN\", \"data\": {\"x\": [{\"a\": 1, \"a\": 2}]}}"
400|ill-formed UTF-8|an invalid UTF-8 byte|body '{"uuid": "%s", "name": "update", "token": "%s", "data": {"s": "\xff"}}' "$JOB" "$TOKEN"; send POST "$M" -f "$IN"
400|ill-formed UTF-8|an overlong UTF-8 encoding of '/'|body '{"uuid": "%s", "name": "update", "token": "%s", "data": {"s": "\xc0\xaf"}}' "$JOB" "$TOKEN"; send POST "$M" -f "$IN"
400|surrogate|a lone UTF-16 surrogate escape|send POST "$M" -d "{\"uuid\": \"$JOB\", \"name\": \"update\", \"token\": \"$TOKEN\", \"data\": {\"s\": \"\\ud800\"}}"
400|invalid JSON|a UTF-16 body, whatever its charset says|send POST "$M" -H 'Content-Type: application/json; charset=utf-16' -f "$WORK/utf16.json"
400|NUL byte|a NUL byte inside a string|body '{"uuid": "%s", "name": "update", "token": "%s", "data": {"s": "a\0b"}}' "$JOB" "$TOKEN"; send POST "$M" -f "$IN"
400|NUL byte|a NUL byte after the object|body '%s\0{"uuid": "%s"}' "$EV" "$UNKNOWN"; send POST "$M" -f "$IN"
400|does not fit in 64 bits|an integer of 2^64|send POST "$M" -d "{\"uuid\": \"$JOB\", \"name\": \"update\", \"token\": \"$TOKEN\", \"data\": {\"n\": 18446744073709551616}}"
400|does not fit in 64 bits|an integer below -2^63|send POST "$M" -d "{\"uuid\": \"$JOB\", \"name\": \"update\", \"token\": \"$TOKEN\", \"data\": {\"n\": -9223372036854775809}}"
400|beyond the range of a double|a number beyond a double|send POST "$M" -d "{\"uuid\": \"$JOB\", \"name\": \"update\", \"token\": \"$TOKEN\", \"data\": {\"x\": 1e400}}"
400|nested deeper than 64 levels|JSON nested 65 deep|send POST "$M" -d "{\"uuid\": \"$JOB\", \"name\": \"update\", \"token\": \"$TOKEN\", \"data\": $DATA64}"
400|nested deeper than 64 levels|100000 open brackets|python3 -c 'print("[" * 100000)' >"$IN"; send POST "$M" -f "$IN"
400|invalid JSON|form fields with Content-Type application/x-www-form-urlencoded|send POST "$M" -H 'Content-Type: application/x-www-form-urlencoded' -d "uuid=$JOB&name=update&token=$TOKEN"
400|invalid JSON|multipart/form-data|send POST "$M" -H 'Content-Type: multipart/form-data; boundary=XX' -d $'--XX\r\nContent-Disposition: form-data; name="uuid"\r\n\r\nx\r\n--XX--\r\n'
400|invalid JSON|invalid JSON with no Content-Type|send POST "$M" -d "uuid: $JOB"
400|Missing required property|a message of no kind|send POST "$M" -d '{"hello": "world"}'
400|'extra'|an extra property|send POST "$M" -d "{\"uuid\": \"$JOB\", \"name\": \"update\", \"token\": \"$TOKEN\", \"extra\": 1}"
400|did you mean 'update'|an unknown event|send POST "$M" -d "{\"uuid\": \"$JOB\", \"name\": \"updte\", \"token\": \"$TOKEN\"}"
400|'create' is not an event|'create' as an event|send POST "$M" -d "{\"uuid\": \"$JOB\", \"name\": \"create\", \"token\": \"$TOKEN\"}"
400|/uuid|a job UUID with the pipeline prefix 106|send POST "$M" -d "{\"uuid\": \"106${JOB:3}\", \"name\": \"update\", \"token\": \"$TOKEN\"}"
400|/token|a token of 15 characters|send POST "$M" -d "{\"uuid\": \"$JOB\", \"name\": \"update\", \"token\": \"${TOKEN:0:15}\"}"
400|/token|a token of 18 characters|send POST "$M" -d "{\"uuid\": \"$JOB\", \"name\": \"update\", \"token\": \"${TOKEN}ab\"}"
400|/pipeline_uuid|create with a job UUID as the pipeline|send POST "$M" -d "{\"pipeline_uuid\": \"$JOB\", \"archive_path\": \"/a\", \"data\": {}}"
400|malformed %-escape|a malformed %-escape in the query|send POST "$M?uuid=$JOB&name=update&token=%zz" -d '{}'
400|malformed %-escape|a %-escape cut at the end of the query|send POST "$M?uuid=$JOB&name=update%2" -d '{}'
400|not valid UTF-8|a URL parameter that is not UTF-8|send POST "$M?uuid=$JOB&name=update&token=%DD%9C%9C%9C%9C%9C%9C%9C%9C%9C%9C%9C%9C%9C%9C%9C" -d '{}'
400|URL parameter uuid|a %00 inside the uuid parameter|send POST "$M?uuid=$JOB%00&name=update&token=$TOKEN" -d '{}'
400|URL parameter uuid is given 2 times|the uuid parameter twice|send POST "$M?uuid=$JOB&uuid=$JOB2&name=update&token=$TOKEN" -d '{}'
400|URL parameter token is given 2 times|the token parameter twice|send POST "$M?uuid=$JOB&name=update&token=$TOKEN2&token=$TOKEN" -d '{}'
400|URL parameter name is given 2 times|the name parameter twice|send POST "$M?uuid=$JOB&name=update&name=finalize&token=$TOKEN" -d '{}'
400|the URL parameters name and event differ|URL parameters name=update and event=fail|send POST "$M?uuid=$JOB&name=update&event=fail&token=$TOKEN" -d '{}'
400|the body's 'uuid' and the URL parameter uuid differ|a body and a URL naming different jobs|send POST "$M?uuid=$JOB2" -d "$EV"
400|the body's 'name' and the URL parameter event differ|a body and a URL naming different events|send POST "$M?event=fail" -d "$EV"
400|the body's 'token' and the URL parameter token differ|a body and a URL giving different tokens|send POST "$M?token=$TOKEN2" -d "$EV"
400|Missing required property 'uuid'|URL parameters with 'job' instead of uuid|send POST "$M?job=$JOB&name=update&token=$TOKEN" -d '{}'
400|Missing required property 'name'|URL parameters without name|send POST "$M?uuid=$JOB&token=$TOKEN" -d '{}'
400|URL parameter name|URL parameters with an unknown event|send POST "$M?uuid=$JOB&name=launch&token=$TOKEN" -d '{}'
400|must be a JSON object|URL parameters with an array body|send POST "$M?uuid=$JOB&name=update&token=$TOKEN" -d '[1]'
403|needs a token|URL parameters without a token|send POST "$M?uuid=$JOB&name=update" -d '{}'
400|Missing required property 'uuid'|an Agave callback without the uuid parameter|send POST "$M?token=$TOKEN" -d "$AGAVE"
400|URL parameter uuid|an Agave callback with a bad uuid parameter|send POST "$M?uuid=107xyz&token=$TOKEN" -d "$AGAVE"
414|request line is too long|a query string over 8 KiB|send POST "$M?$LONG_QUERY" -d '{}'
400|malformed %-escape|GET jobs with a malformed %-escape|send GET "$A/jobs?state=%G0"
400|limit must be a whole number from 1 to 10000|GET jobs?limit beyond 64 bits|send GET "$A/jobs?limit=99999999999999999999999"
400|unknown state|GET jobs?state=bogus|send GET "$A/jobs?state=bogus"
400|URL parameter state is given 2 times|GET jobs with the state filter twice|send GET "$A/jobs?state=RUNNING&state=FAILED"
401|no credentials|no credentials|send POST "$M" --no-bearer -d "$EV"
401|no credentials|no credentials, invalid JSON (checked first)|send POST "$M" --no-bearer -d '{"uuid": '
401|unknown bearer token|an unknown bearer token|send POST "$M" --no-bearer -H "Authorization: Bearer x$BEARER" -d "$EV"
401|unknown bearer token|a job token as the bearer|send POST "$M" --no-bearer -H "Authorization: Bearer $TOKEN" -d "$EV"
401|unknown bearer token|an admin token as the bearer|send POST "$M" --no-bearer -H "Authorization: Bearer $ADMIN" -d "$EV"
401|unknown bearer token|the nonce as the bearer|send POST "$M" --no-bearer -H "Authorization: Bearer $NONCE" -d "$EV"
401|unknown nonce|the bearer as the nonce|send POST "$M?uuid=$JOB&name=update&token=$TOKEN&x-nonce=$BEARER" --no-bearer -d '{}'
401|unknown nonce|an empty nonce|send POST "$M?uuid=$JOB&name=update&token=$TOKEN&x-nonce=" --no-bearer -d '{}'
401|x-nonce URL parameter is given more than once|the nonce twice, a wrong one first|send POST "$M?uuid=$JOB&name=update&token=$TOKEN&x-nonce=x&x-nonce=$NONCE" --no-bearer -d '{}'
401|neither 'Bearer <token>' nor 'Basic'|'Bearer' without a token|send POST "$M" --no-bearer -H 'Authorization: Bearer' -d "$EV"
401|unknown bearer token|Basic authentication with a wrong password|send POST "$M" --no-bearer -H "Authorization: Basic $(printf 'u:x%s' "$BEARER" | base64 -w0)" -d "$EV"
401|unknown bearer token|Basic authentication with the nonce as password|send POST "$M" --no-bearer -H "Authorization: Basic $(printf 'u:%s' "$NONCE" | base64 -w0)" -d "$EV"
401|neither 'Bearer <token>' nor 'Basic'|Basic authentication with the bearer as the user, no password|send POST "$M" --no-bearer -H "Authorization: Basic $(printf '%s:' "$BEARER" | base64 -w0)" -d "$EV"
401|neither 'Bearer <token>' nor 'Basic'|Basic authentication that is not base64|send POST "$M" --no-bearer -H "Authorization: Basic u:$BEARER" -d "$EV"
401|neither 'Bearer <token>' nor 'Basic'|the bearer without a scheme|send POST "$M" --no-bearer -H "Authorization: $BEARER" -d "$EV"
401|the Authorization header is given more than once|two Authorization headers, a wrong one first|send POST "$M" --no-bearer -H 'Authorization: Bearer wrong' -H "Authorization: Bearer $BEARER" -d "$EV"
400|a bare CR in its header|a bare CR inside the Authorization value (never a line end)|raw 'POST %s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer x\r%s\r\nContent-Length: %d\r\n\r\n%s' "$M" "$BEARER" "${#EV}" "$EV"
400|a bare CR in its header|a bare CR hiding an Authorization header in another header|raw 'POST %s HTTP/1.1\r\nHost: x\r\nX-Note: hi\rAuthorization: Bearer %s\r\nContent-Length: %d\r\n\r\n%s' "$M" "$BEARER" "${#EV}" "$EV"
400|a line ended by a bare LF|an Authorization line ended by a bare LF|raw 'POST %s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\nX-Note: hi\r\nContent-Length: %d\r\n\r\n%s' "$M" "$BEARER" "${#EV}" "$EV"
400|a NUL byte in its header|a NUL byte after a wrong bearer, the right one after it|raw 'POST %s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer wrong\0%s\r\nContent-Length: %d\r\n\r\n%s' "$M" "$BEARER" "${#EV}" "$EV"
401|unknown nonce|CR LF %-encoded in the nonce (log injection)|send POST "$M?uuid=$JOB&name=update&token=$TOKEN&x-nonce=$NONCE%0D%0AINJECTED%20200" --no-bearer -d '{}'
400|a bare CR in its header|a bare CR inside the Idempotency-Key|raw 'POST %s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nIdempotency-Key: a\rb\r\nContent-Length: %d\r\n\r\n%s' "$M" "$BEARER" "${#EV}" "$EV"
400|no space before the colon|Content-Length with a space before its colon|raw 'POST %s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Length : %d\r\n\r\n%s' "$M" "$BEARER" "${#EV}" "$EV"
400|no space before the colon|Transfer-Encoding with a space before its colon, beside Content-Length|raw 'POST %s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nTransfer-Encoding : chunked\r\nContent-Length: %d\r\n\r\n%s' "$M" "$BEARER" "${#EV}" "$EV"
400|a header line has no colon|a header line without a colon|raw 'POST %s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nX-Note hi\r\nContent-Length: %d\r\n\r\n%s' "$M" "$BEARER" "${#EV}" "$EV"
400|obsolete line folding|a header folded onto a second line|raw 'POST %s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer\r\n %s\r\nContent-Length: %d\r\n\r\n%s' "$M" "$BEARER" "${#EV}" "$EV"
400|Host is given more than once|two Host headers|raw 'POST %s HTTP/1.1\r\nHost: x\r\nHost: y\r\nAuthorization: Bearer %s\r\nContent-Length: %d\r\n\r\n%s' "$M" "$BEARER" "${#EV}" "$EV"
400|its request line is not|a request line with two spaces|raw 'POST  %s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n\r\n' "$M" "$BEARER"
400|a path beginning with '/'|an absolute URL as the target|raw 'GET http://x/healthz HTTP/1.1\r\nHost: x\r\n\r\n'
505|HTTP version 2.0 is not supported|HTTP/2.0 in the request line|raw 'GET /healthz HTTP/2.0\r\nHost: x\r\n\r\n'
431|more than 100 header lines|101 header lines|raw 'GET /healthz HTTP/1.1\r\nHost: x%s\r\n\r\n' "$(for i in $(seq 1 100); do printf '\r\nX-N%d: %d' "$i" "$i"; done)"
431|header is over the limit of 32768 bytes|40 KiB of header lines, each short|raw 'GET /healthz HTTP/1.1\r\nHost: x\r\n%s\r\n' "$(for i in $(seq 1 10); do printf 'X-P%d: %s\r\n' "$i" "$(printf 'p%.0s' $(seq 1 4000))"; done)"
401|no credentials|an unauthenticated chunked POST: refused before its body|raw 'POST %s HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n' "$M"
417|only 100-continue|an Expect other than 100-continue|raw 'POST %s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nExpect: 200-ok\r\nContent-Length: %d\r\n\r\n%s' "$M" "$BEARER" "${#EV}" "$EV"
404|no route|%2F in the actor id|send POST "/actors/v2/$ACTOR%2Fmessages" -d "$EV"
400|malformed HTTP request|a request with bare LF line ends|raw 'POST %s HTTP/1.1\nHost: x\nAuthorization: Bearer %s\nContent-Length: %d\n\n%s' "$M" "$BEARER" "${#EV}" "$EV"
431|a header line is over the limit of 8192 bytes|a header line over 8 KiB|raw 'POST %s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nX-Pad: %s\r\nContent-Length: %d\r\n\r\n%s' "$M" "$BEARER" "$(printf 'p%.0s' $(seq 1 9000))" "${#EV}" "$EV"
501|the method 'BREW' is not supported|a method that is no HTTP method|raw 'BREW %s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n\r\n' "$M" "$BEARER"
403|neither this job's token nor a valid admin token|a wrong job token|send POST "$M" -d "{\"uuid\": \"$JOB\", \"name\": \"update\", \"token\": \"0123456789abcdef\"}"
403|neither this job's token nor a valid admin token|another job's token|send POST "$M" -d "{\"uuid\": \"$JOB\", \"name\": \"update\", \"token\": \"$TOKEN2\"}"
403|neither this job's token nor a valid admin token|another job's token in the URL|send POST "$M?token=$TOKEN2" -d "{\"uuid\": \"$JOB\", \"name\": \"update\"}"
403|delete needs a valid admin token|delete with another job's token|send POST "$M" -d "{\"uuid\": \"$JOB\", \"action\": \"delete\", \"token\": \"$TOKEN2\"}"
403|'reset' needs a valid admin token|an admin-only event with the job's token|send POST "$M" -d "{\"uuid\": \"$JOB\", \"name\": \"reset\", \"token\": \"$TOKEN\"}"
403|'reset' needs a valid admin token|an admin token two windows old (expired)|send POST "$M" -d "{\"uuid\": \"$JOB\", \"name\": \"reset\", \"token\": \"$ADMIN_OLD\"}"
403|'reset' needs a valid admin token|an admin token of another secret|send POST "$M" -d "{\"uuid\": \"$JOB\", \"name\": \"reset\", \"token\": \"$ADMIN_OTHER\"}"
403|'reset' needs a valid admin token|an admin token of another key|send POST "$M" -d "{\"uuid\": \"$JOB\", \"name\": \"reset\", \"token\": \"$ADMIN_KEY\"}"
403|delete needs a valid admin token|force delete with an expired admin token|send POST "$M" -d "{\"uuid\": \"$JOB\", \"action\": \"delete\", \"force\": true, \"token\": \"$ADMIN_OLD\"}"
403|neither this job's token nor a valid admin token|an event with the admin token in upper case|send POST "$M" -d "{\"uuid\": \"$JOB\", \"name\": \"update\", \"token\": \"$(tr a-f A-F <<<"$ADMIN")\"}"
403|needs a token|an event without a token|send POST "$M" -d "{\"uuid\": \"$JOB\", \"name\": \"update\"}"
404|no actor 'someone-else' here|another actor|send POST "/actors/v2/someone-else/messages" -d "$EV"
404|no actor|the actor id in other case|send POST "/actors/v2/BADHTTP/messages" -d "$EV"
404|not found|an unknown job|send POST "$M" -d "{\"uuid\": \"$UNKNOWN\", \"name\": \"update\", \"token\": \"$TOKEN\"}"
404|not found|a force-deleted job|send POST "$M" -d "{\"uuid\": \"$GONE\", \"name\": \"update\", \"token\": \"$GTOKEN\"}"
404|pipeline 106aaaaa-bbbb-5ccc-8ddd-eeeeeeeeeeee not found|create for an unknown pipeline|send POST "$M" -d "{\"pipeline_uuid\": \"$UNKNOWN_PIPELINE\", \"archive_path\": \"/a\", \"data\": {}}"
404|not found|GET an unknown job|send GET "$A/jobs/$UNKNOWN"
404|not found|GET an unknown execution|send GET "$A/executions/AAAAAAAAAAAAAAAA"
400|is not a job UUID|GET a job by a malformed UUID|send GET "$A/jobs/not-a-uuid"
409|is not allowed in state CREATED|an event not allowed in the state|send POST "$M" -d "{\"uuid\": \"$JOB\", \"name\": \"finalize\", \"token\": \"$TOKEN\"}"
409|has been deleted (hidden)|an event to a soft-deleted job|send POST "$M" -d "{\"uuid\": \"$HIDDEN\", \"name\": \"update\", \"token\": \"$HTOKEN\"}"
409|already deleted|a soft delete of a soft-deleted job|send POST "$M" -d "{\"uuid\": \"$HIDDEN\", \"action\": \"delete\", \"token\": \"$ADMIN\"}"
409|already exists|creating a job that exists|send POST "$M" -d "{\"pipeline_uuid\": \"$PIPELINE\", \"archive_path\": \"/elsewhere\", \"data\": {\"n\": 1}}"
409|is not allowed in state CREATED|a replayed Idempotency-Key: the first (refused) reply again|send POST "$M" -H 'Idempotency-Key: bad-http-replay' -d "{\"uuid\": \"$JOB\", \"name\": \"finalize\", \"token\": \"$TOKEN\"}" && send POST "$M" -H 'Idempotency-Key: bad-http-replay' -d "{\"uuid\": \"$JOB\", \"name\": \"finalize\", \"token\": \"$TOKEN\"}"
400|Idempotency-Key must be|an Idempotency-Key of 256 characters|send POST "$M" -H "Idempotency-Key: $(printf 'k%.0s' $(seq 1 256))" -d "$EV"
400|Idempotency-Key must be|an Idempotency-Key with a space|send POST "$M" -H 'Idempotency-Key: a b' -d "$EV"
400|Idempotency-Key must be|an Idempotency-Key that is not ASCII|send POST "$M" -H 'Idempotency-Key: clé' -d "$EV"
400|Idempotency-Key is given more than once|two Idempotency-Keys|send POST "$M" -H 'Idempotency-Key: one' -H 'Idempotency-Key: two' -d "$EV"
405|PUT is not allowed on /actors/v2/badhttp/messages|PUT on messages|send PUT "$M" -d "$EV"
405|DELETE is not allowed on /actors/v2/badhttp/messages|DELETE on messages|send DELETE "$M"
405|PATCH is not allowed on /actors/v2/badhttp/messages|PATCH on messages without a body (no wait for one)|send PATCH "$M"
405|OPTIONS is not allowed|OPTIONS on messages|send OPTIONS "$M"
405|TRACE is not allowed|TRACE on messages|send TRACE "$M"
405|DELETE is not allowed on /actors/v2/badhttp/jobs/|DELETE on a job|send DELETE "$A/jobs/$JOB"
405|PUT is not allowed on /actors/v2/badhttp/jobs/|PUT on a job|send PUT "$A/jobs/$JOB" -d "$EV"
405|POST is not allowed on /actors/v2/badhttp/jobs|POST on jobs|send POST "$A/jobs" -d "$EV"
405|POST is not allowed on /actors/v2/badhttp/executions/|POST on an execution|send POST "$A/executions/AAAAAAAAAAAAAAAA" -d '{}'
405|DELETE is not allowed|DELETE on an execution's logs|send DELETE "$A/executions/AAAAAAAAAAAAAAAA/logs"
405|POST is not allowed on /healthz|POST on /healthz|send POST /healthz -d '{}'
405|PUT is not allowed on /metrics|PUT on /metrics|send PUT /metrics -d '{}'
404|no route|a path with ../ back into the actor|send POST "$A/../$ACTOR/messages" -d "$EV"
404|no route|a path climbing above the root|send GET "/../../etc/passwd"
404|no route|%2F-encoded ../ after a job|send GET "$A/jobs/..%2F..%2F..%2Fetc%2Fpasswd"
400|is not a job UUID|%2e%2e as the job|send GET "$A/jobs/%2e%2e"
404|no route|a doubled slash before the route|send POST "/$M" -d "$EV"
404|no route|a path under messages|send POST "$M/extra" -d "$EV"
404|no route|PUT on a path that is no route|send PUT "/nothing" -d '{}'
EOF
)

cases=0
before=$(state)
dump_before=$(core_of "$before") executions_before=$(executions_of "$before")
while IFS= read -r line; do
    [ -n "$line" ] || continue
    code=${line%%|*} rest=${line#*|}
    fragment=${rest%%|*} rest=${rest#*|}
    what=${rest%%|*} command=${rest#*|}
    cases=$((cases + 1))
    eval "$command"
    IFS=$'\t' read -r status envelope execution leaks <<<"$REPLY"
    expect_eq "$status" "$code" "$what: HTTP status"
    expect_eq "$envelope" ok "$what: an Abaco error envelope"
    check
    grep -qF -- "$fragment" "$MESSAGE" || fail "$what: the message lacks '$fragment': $(head -c 300 "$MESSAGE")"
    expect_eq "$leaks" none "$what: secrets in the reply"
    after=$(state "$execution")
    dump_after=$(core_of "$after") executions_after=$(executions_of "$after")
    check
    [ "$dump_after" = "$dump_before" ] || fail "$what: the database changed: $(diff <(echo "$dump_before") <(echo "$dump_after") | head -5)"
    if [ "$execution" = - ]; then
        expect_eq "$executions_after" "$executions_before" "$what: no execution recorded"
    else
        # (A replayed Idempotency-Key adds no second execution: one for both requests.)
        expect_eq "$executions_after" "$((executions_before + 1))" "$what: one execution recorded"
        expect_eq "$(exit_code_in "$after")" "$(exit_for_status "$code")" "$what: its exit code"
    fi
    for pid in "$PID" "$SMALL_PID"; do
        check
        kill -0 "$pid" 2>/dev/null || { fail "$what: pjm serve is gone"; exit 1; }
    done
    dump_before=$dump_after executions_before=$executions_after
done <<<"$CASES"

echo "bad_http_test: $cases bad requests"
check
[ "$cases" -ge 40 ] || fail "only $cases bad requests; at least 40 expected"

# The slow cases: refused once the server stopped waiting; nothing applied.
wait "$SLOW_PID"
check
grep -q '^cut HTTP/1.1 408 ' "$WORK/slow.out" || fail "a body cut before its Content-Length: $(cat "$WORK/slow.out")"
check
grep -q '^unended HTTP/1.1 408 ' "$WORK/slow.out" || fail "a chunked body without its end: $(cat "$WORK/slow.out")"
check
[ "$(core_of "$(state)")" = "$dump_before" ] || fail "the slow cases changed the database"

# 405 names what the route answers in an Allow header: the methods of the route table's rows
# whose pattern takes the path (HEAD with GET).
allow_of() { tr -d '\r' <"$HDRS" | sed -n 's/^[Aa]llow: //p'; }
for request in "PUT $M" "DELETE $M" "TRACE $M" "PUT $A/jobs/$JOB" "POST $A/jobs" \
    "DELETE $A/executions/AAAAAAAAAAAAAAAA/logs" "POST /healthz" "OPTIONS /metrics"; do
    read -r method path <<<"$request"
    send "$method" "$path"
    IFS=$'\t' read -r status _ <<<"$REPLY"
    expect_eq "$status" 405 "$method $path: HTTP status"
    want="GET, HEAD"
    [ "$path" != "$M" ] || want="GET, HEAD, POST"
    expect_eq "$(allow_of)" "$want" "$method $path: the Allow header"
done
send PUT "/nothing" -d '{}'
expect_eq "$(allow_of)" "" "a path that is no route: 404 without an Allow header"

# The log: one line per request, never a secret, never a line a request injected.
for log in "$WORK/serve.log" "$WORK/serve-small.log"; do
    for secret in "$BEARER" "$NONCE" "$TOKEN" "$TOKEN2" "$HTOKEN" "$GTOKEN" "$ADMIN" "$SECRET"; do
        check
        ! grep -qF -- "$secret" "$log" || fail "a secret appears in $(basename "$log")"
    done
    check
    ! grep -q '^INJECTED' "$log" || fail "a request injected a line into $(basename "$log")"
done

# What is not refused, to show the limits are where the catalog says: the body is read as JSON
# whatever the Content-Type (or without one), a key repeated in different objects is no
# duplicate, name and event given once each are no repeat (name counts), an admin token of the
# previous window is still valid.
send POST "$M" -H 'Content-Type: text/plain' -d "{\"uuid\": \"$JOB\", \"name\": \"update\", \"token\": \"$TOKEN\", \"data\": {\"a\": {\"a\": 1}}}"
expect_eq "${REPLY%%$'\t'*}" 200 "a valid event sent as text/plain, with 'a' in two objects"
send POST "$M?uuid=$JOB&name=update&event=update&token=$TOKEN" -d '{}'
expect_eq "${REPLY%%$'\t'*}" 200 "name and event naming the same event"
send POST "$M" -d "{\"uuid\": \"$JOB\", \"name\": \"reset\", \"token\": \"$ADMIN_PREV\"}"
expect_eq "${REPLY%%$'\t'*}" 200 "an admin token of the previous window"
send POST "$M" -d "{\"uuid\": \"$JOB\", \"name\": \"update\", \"token\": \"$TOKEN\", \"data\": {\"s\": \"a\\u0000b\"}}"
expect_eq "${REPLY%%$'\t'*}" 409 "an escaped NUL (valid JSON) reaches the handler (RESET refuses update)"

finish
