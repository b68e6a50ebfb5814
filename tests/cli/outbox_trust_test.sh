#!/usr/bin/env bash
# The outbox trusts nothing it did not write (docs/protocol.md#outbox): a folder of another
# user's is refused; a file planted in the outbox pinned to another manager's URL never receives
# the bearer token (a listener on that URL sees no request) and the flush says it left it (an
# unpinned one would go to the manager configured now, never to its own URL);
# links planted as queued files or as the lock are not followed; the URL's password is never
# written to a queued file.
# pjm-test: one backend
source "$PJM_TEST_LIB"

BEARER=trust-b3arer-$RANDOM$RANDOM-5a6b7c
printf '%s\n' "$BEARER" >"$WORK/bearers"
setup_job trust '{"n": 1}'
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
PORT=$(free_port)
URL="http://127.0.0.1:$PORT/actors/v2/trust/messages"
BOX="$WORK/outbox"

# --- A folder of another user's is refused ------------------------------------------------------
mkdir -p "$WORK/foreign"
chown nobody "$WORK/foreign"
run --outbox "$WORK/foreign" --retries 0 --url "$URL" --bearer "$BEARER" event update "$JOB" --token "$TOKEN"
expect_rc 7 "a message that cannot be queued in another user's folder"
expect_err "belongs to another user" "says whose folder it is"
expect_eq "$(ls -A "$WORK/foreign")" "" "nothing written in another user's folder"
run --outbox "$WORK/foreign" outbox list
check
[ "$RC" -ne 0 ] || fail "outbox list of another user's folder must fail"
expect_err "belongs to another user" "outbox list says why"

# --- Queued with the manager down: no password in the file --------------------------------------
PASSWORD=trust-url-pa55-$RANDOM
run --outbox "$BOX" --retries 0 --url "${URL/http:\/\//http://pjm:$PASSWORD@}" --bearer "$BEARER" \
    event run "$JOB" --token "$TOKEN"
expect_rc 75 "manager down: queued"
check
! grep -rqF -- "$PASSWORD" "$BOX" || fail "the URL's password was written to the outbox"
check
python3 - "$BOX" <<'PY' || fail "a queued message's url keeps the URL's user"
import glob, json, sys
for path in glob.glob(sys.argv[1] + "/*.json"):
    assert "@" not in json.load(open(path))["url"], path
PY

# --- Planted: a message for another URL, a link as a queued file, a link as the lock ------------
ATTACKER_PORT=$(free_port)
python3 - "$ATTACKER_PORT" >"$WORK/attacker.log" 2>&1 <<'PY' &
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        print("REQUEST", self.path, self.headers.get("Authorization"), flush=True)
        self.send_response(200)
        self.end_headers()
    def log_message(self, *a):
        pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
PY
ATTACKER=$!
trap 'kill "$ATTACKER" "${SERVE:-}" 2>/dev/null' EXIT
cat >"$BOX/0000000000000001-deadbeef.json" <<EOF
{"id": "0000000000000001-deadbeef", "created": "2026-01-01T00:00:00.000Z",
 "url": "http://127.0.0.1:$ATTACKER_PORT/actors/v2/trust/messages", "query": "",
 "body": "{\"uuid\": \"$JOB\", \"name\": \"update\"}", "idempotency_key": "planted",
 "job": "$JOB", "summary": "update", "attempts": 1, "last_error": "", "failed": false,
 "pinned": true}
EOF
chmod 600 "$BOX/0000000000000001-deadbeef.json"
echo secret-of-someone-else >"$WORK/target"
ln -s "$WORK/target" "$BOX/0000000000000002-cafecafe.json"

"$PJM" serve --listen "127.0.0.1:$PORT" --actor-id trust --bearer-file "$WORK/bearers" 2>"$WORK/serve.log" &
SERVE=$!
for _ in $(seq 100); do
    curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
    sleep 0.05
done

run --outbox "$BOX" outbox flush
expect_rc 2 "outbox flush with no manager configured"
expect_err "sends to the manager configured now" "says a manager must be configured"

PJM_URL=$URL PJM_BEARER_TOKEN=$BEARER run --outbox "$BOX" outbox flush
expect_rc 75 "a flush that leaves a message for another manager"
expect_out "delivered 1" "the message queued for this manager is delivered"
expect_err "1 queued message(s) are pinned to another manager (http://127.0.0.1:$ATTACKER_PORT/" \
    "the flush names the URL it left"
sleep 0.3
check
! grep -q REQUEST "$WORK/attacker.log" || fail "the planted URL received a request: $(cat "$WORK/attacker.log")"
expect_eq "$(cat "$WORK/target")" "secret-of-someone-else" "a linked file is neither read into nor written"
expect_eq "$(db_query "SELECT count(*) FROM history WHERE job_uuid='$JOB' AND name='run'")" 1 \
    "the genuine message arrived once"
run --outbox "$BOX" --json outbox list
expect_rc 0 "outbox list with a planted link"
check
! grep -qF "secret-of-someone-else" "$OUT" || fail "outbox list read through a planted link"

# The lock is never opened through a link.
rm -f "$BOX/.flush.lock"
ln -s "$WORK/target" "$BOX/.flush.lock"
PJM_URL=$URL PJM_BEARER_TOKEN=$BEARER run --outbox "$BOX" outbox flush
check
[ "$RC" -ne 0 ] || fail "a flush through a planted lock link must fail"
expect_eq "$(cat "$WORK/target")" "secret-of-someone-else" "the lock link's target is untouched"

finish
