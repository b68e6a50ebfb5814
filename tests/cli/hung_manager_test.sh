#!/usr/bin/env bash
# A manager that accepts connections and never answers (docs/protocol.md#transport-abaco-messages-api):
# retry_max_time bounds a whole command's wait, the job's earlier queued messages included, and
# what could not go is queued; pjm exec starts its command no later than the budget allows, and
# the finish after it gets its own budget. (The bounds checked are the budget plus a generous
# margin: without the budget each of these waited a minute or more.)
# pjm-test: one backend (the client's time; the manager's database is never reached)
source "$PJM_TEST_LIB"
setup_job demo '{"n": 1}'
PORT_FILE=$WORK/port
python3 - "$PORT_FILE" <<'PY' &
import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(64)
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
held = []
while True:
    c, _ = s.accept()
    held.append(c)  # read nothing, answer nothing
PY
HUNG_PID=$!
trap 'kill "$HUNG_PID" 2>/dev/null' EXIT
for _ in $(seq 100); do [ -s "$PORT_FILE" ] && break; sleep 0.05; done
HUNG=http://127.0.0.1:$(cat "$PORT_FILE")/actors/v2/pjm/messages
DOWN=http://127.0.0.1:9/actors/v2/pjm/messages
now_ms() { date +%s%3N; }
# within MS WHAT : the last command took less than MS milliseconds
within() {
    check
    [ $((END - START)) -lt "$1" ] || fail "$2: took $((END - START)) ms, more than $1"
}

export PJM_RETRY_MAX_TIME=2
START=$(now_ms)
PJM_URL=$HUNG run event run "$JOB" --token "$TOKEN"
END=$(now_ms)
expect_rc 75 "a hung manager: queued"
within 6000 "a hung manager costs the budget, not the timeouts and retries"

# Two messages already queued for the job: they share the budget with the new one.
PJM_URL=$DOWN PJM_RETRIES=0 run event update "$JOB" --token "$TOKEN"
expect_rc 75 "queued while down"
START=$(now_ms)
PJM_URL=$HUNG run event update "$JOB" --token "$TOKEN"
END=$(now_ms)
expect_rc 75 "earlier messages and the new one: queued"
within 6000 "the job's earlier messages share the command's budget"
run --json outbox list
expect_eq "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["messages"]))' "$OUT")" 3 \
    "all three wait in the outbox, in order"

# pjm exec: the command starts within the budget, and the finish has its own.
START=$(now_ms)
PJM_URL=$HUNG run exec "$JOB" --token "$TOKEN" -- sh -c "date +%s%3N >'$WORK/started'"
END=$(now_ms)
expect_rc 0 "pjm exec exits with the command's status"
STARTED=$(cat "$WORK/started")
check
[ $((STARTED - START)) -lt 6000 ] || fail "pjm exec started the command $((STARTED - START)) ms late"
within 12000 "pjm exec: the run's budget, the command, the finish's budget"
run --json outbox list
expect_eq "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["messages"]))' "$OUT")" 5 \
    "exec's run and finish are queued too"

# outbox flush gives each message its own time: with a manager that answers, all five go.
ACTOR=pjm
start_server --no-auth
trap 'stop_server; kill "$HUNG_PID" 2>/dev/null' EXIT # (start_server set its own)
run outbox flush --url "$URL/messages"
expect_rc 0 "the flush delivers everything once the manager answers"
expect_eq "$(db_query "SELECT state FROM jobs WHERE uuid = '$JOB'")" FINISHED "run, updates, run, finish applied in order"

finish
