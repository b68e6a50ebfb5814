#!/usr/bin/env bash
# A message never overtakes its job's earlier messages still waiting in the outbox: `run` is
# queued while the manager is down, and the `finish` sent once it is back delivers the queued
# `run` first. A queued message the manager refuses holds its job's later messages back (they
# queue behind it, exit 75); other jobs are not held back; --no-outbox refuses instead.
source "$PJM_TEST_LIB"

NONCE="nonce-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
printf '%s\n' "$NONCE" >"$WORK/nonces"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export PJM_URL="http://127.0.0.1:$PORT/actors/v2/pjm/messages" PJM_NONCE=$NONCE PJM_RETRIES=0
SERVE=""
trap '[ -n "$SERVE" ] && kill "$SERVE" 2>/dev/null; wait 2>/dev/null' EXIT
start_serve() {
    "$PJM" serve --listen "127.0.0.1:$PORT" --actor-id pjm --nonce-file "$WORK/nonces" \
        2>>"$WORK/serve.log" &
    SERVE=$!
    for _ in $(seq 100); do
        curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && return
        sleep 0.05
    done
    fail "pjm serve did not start"
}
stop_serve() { kill "$SERVE"; wait "$SERVE" 2>/dev/null; SERVE=""; }
events_of() { db_query "SELECT name FROM history WHERE job_uuid = '$1' ORDER BY seq" | paste -sd' '; }
queued() { find "$XDG_STATE_HOME/pjm/outbox" -name '*.json' 2>/dev/null | wc -l; }

setup_job order
A=$JOB A_TOKEN=$TOKEN
run --local --json create --pipeline "$PIPELINE" --archive-path /archive/run2 --data '{"n": 2}'
B=$(json_field uuid) B_TOKEN=$(json_field token)

# The manager is down: run is queued.
run event run "$A" --token "$A_TOKEN"
expect_rc 75 "run queued while the manager is down"
expect_eq "$(queued)" "1" "one message in the outbox"

# Back up: finish delivers the queued run first, then itself.
start_serve
run event finish "$A" --token "$A_TOKEN" --data '{"exit_code": 0}'
expect_rc 0 "finish once the manager is back"
expect_eq "$(events_of "$A")" "create run finish" "run went first, then finish"
expect_eq "$(queued)" "0" "the outbox is empty"

# A queued message the manager refuses holds the job's later messages back.
stop_serve
run event run "$B" --token "$B_TOKEN"
expect_rc 75 "B's run queued"
run event validate "$B" --token "$B_TOKEN" # not allowed in RUNNING: the manager will refuse it
expect_rc 75 "B's validate queued behind it"
start_serve
run event update "$B" --token "$B_TOKEN" --data '{"step": 1}'
expect_rc 75 "B's update waits behind the refused validate"
expect_err "earlier message(s) for job $B" "the error says what it waits behind"
expect_err "validate" "and names the refused message"
expect_eq "$(events_of "$B")" "create run" "the queued run went; validate and update did not"
expect_eq "$(queued)" "2" "validate (refused, kept) and update wait in the outbox"

# Flushing again changes nothing, and says so the same way each time: the refused validate
# was a conflict (6) at first sight, and stays one (not a network failure) on every flush.
run outbox flush
expect_rc 6 "a flush with the refused message kept"
expect_err "refused earlier" "the flush says it was refused before"
run outbox flush
expect_rc 6 "the same flush again: the same exit code"
expect_eq "$(queued)" "2" "flushing a refused message's queue changes nothing"

# Other jobs are not held back by B's queue.
run event validate "$A" --token "$A_TOKEN"
expect_rc 0 "A's validate goes at once"
expect_eq "$(events_of "$A")" "create run finish validate" "A moved on"

# --no-outbox: the message waits behind B's queue, so it is refused, and nothing is queued.
run --no-outbox event update "$B" --token "$B_TOKEN" --data '{"step": 2}'
expect_rc 7 "--no-outbox with earlier messages in the way"
expect_err "nothing queued" "it says nothing was queued"
expect_eq "$(queued)" "2" "still two in the outbox"

# Dropping the refused message lets the job's queue go, in order.
VALIDATE_ID=$("$PJM" --json outbox list | python3 -c '
import json, sys
doc = json.load(sys.stdin)
rows = doc if isinstance(doc, list) else doc.get("messages", doc.get("entries", []))
print(next(r["id"] for r in rows if "validate" in r.get("summary", "")))')
run outbox drop "$VALIDATE_ID"
expect_rc 0 "drop the refused validate"
run event update "$B" --token "$B_TOKEN" --data '{"step": 3}'
expect_rc 0 "B's next update delivers the queued one first"
expect_eq "$(db_query "SELECT data FROM history WHERE job_uuid = '$B' AND name = 'update' ORDER BY seq" | tr -d ' \n')" \
    '{"step":1}{"step":3}' "B's updates arrived in the order they were sent"
expect_eq "$(queued)" "0" "the outbox is empty"
finish
