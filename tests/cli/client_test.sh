#!/usr/bin/env bash
# The pjm client against a real pjm serve on 127.0.0.1: a job's whole lifecycle over HTTP with
# a bearer token and with a nonce, --url-params, --wait, status and list through the jobs
# route, executions, the mapping of refusals to exit codes, and the outbox when it is down.
source "$PJM_TEST_LIB"

BEARER="bearer-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
NONCE="nonce-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
printf '%s\n' "$BEARER" >"$WORK/bearers"
printf '%s\n' "$NONCE" >"$WORK/nonces"
chmod 600 "$WORK/bearers" "$WORK/nonces"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE="http://127.0.0.1:$PORT"
URL="$BASE/actors/v2/pjm/messages"

PIPELINE=$("$PJM" --local pipeline add --name served)
"$PJM" serve --listen "127.0.0.1:$PORT" --actor-id pjm --bearer-file "$WORK/bearers" \
    --nonce-file "$WORK/nonces" 2>"$WORK/serve.log" &
SERVE=$!
trap 'kill "$SERVE" 2>/dev/null; wait "$SERVE" 2>/dev/null' EXIT
for _ in $(seq 100); do
    curl -sf "$BASE/healthz" >/dev/null 2>&1 && break
    sleep 0.05
done

# Bearer token from the environment, JSON body.
export PJM_URL=$URL PJM_BEARER_TOKEN=$BEARER
run --json create --pipeline "$PIPELINE" --archive-path /archive/http --data '{"run": 1}'
expect_rc 0 "create over HTTP"
JOB=$(json_field job.uuid)
TOKEN=$(json_field token)
expect_eq "${JOB:0:3}" "107" "the reply carries the job"
expect_eq "${#TOKEN}" "16" "the reply carries the token"

run event run "$JOB" --token "$TOKEN"
expect_rc 0 "run over HTTP"
expect_out "execution" "the execution id is printed"

# Nonce instead of bearer; the URL-parameter form with data as the body; --wait.
unset PJM_BEARER_TOKEN
export PJM_NONCE=$NONCE
run event update "$JOB" --token "$TOKEN" --url-params --data '{"progress": 0.5}'
expect_rc 0 "update as URL parameters with a nonce"
run --wait event finish "$JOB" --token "$TOKEN" --data '{"outputs": 3}'
expect_rc 0 "finish with --wait"
expect_out "RUNNING -> FINISHED" "--wait shows what the manager did"

# A refusal found by the manager comes back as its exit code, with its message.
run event run "$JOB" --token "$TOKEN"
expect_rc 6 "event not allowed in FINISHED"
expect_err "not allowed in state FINISHED" "the manager's reason"
run --wait event validate "$JOB" --token ffffffffffffffff
expect_rc 5 "wrong token"
run event run 107aaaaa-bbbb-5ccc-8ddd-eeeeeeeeeeee --token "$TOKEN"
expect_rc 4 "unknown job"
run event run "$JOB" --token short
expect_rc 2 "a token too short to be one"
expect_err "--token must be" "a token too short to be one"
check
[ -z "$(ls -A "$XDG_STATE_HOME/pjm/outbox" 2>/dev/null)" ] || fail "refusals must not be queued"

# A refusal of the sender or the URL, not of the message (an unknown nonce, a wrong actor id:
# the reply names no execution) is a configuration error: the message is queued (75) and
# stderr and `outbox list` say what to fix; after the fix a flush delivers it.
run --json create --pipeline "$PIPELINE" --archive-path /archive/config --data '{"run": 99}'
expect_rc 0 "create a job for the configuration errors"
JOBX=$(json_field job.uuid)
TOKENX=$(json_field token)
PJM_NONCE=wrong-nonce-0123456789 run event run "$JOBX" --token "$TOKENX"
expect_rc 75 "unknown nonce: queued, not lost"
expect_err "refused this sender, not the message" "unknown nonce: says the sender was refused"
expect_err "PJM_NONCE" "unknown nonce: names what to check"
expect_err "pjm outbox flush" "unknown nonce: says how to deliver it after the fix"
run outbox list
expect_rc 0 "outbox list"
expect_out "refused this sender" "outbox list shows why it waits"
run outbox flush
expect_rc 0 "flush with the right nonce delivers it"
run --json status "$JOBX"
expect_eq "$(json_field state)" "RUNNING" "the queued run was applied after the fix"
run --url "$BASE/actors/v2/no-such-actor/messages" event finish "$JOBX" --token "$TOKENX"
expect_rc 75 "a wrong actor id: queued, not lost"
expect_err "no such actor or route" "a wrong actor id: says so"
expect_err "check PJM_URL" "a wrong actor id: names what to check"
run outbox flush --url "$PJM_URL"
expect_rc 0 "flush to the right URL delivers it"
run --json status "$JOBX"
expect_eq "$(json_field state)" "FINISHED" "the queued finish was applied after the fix"

# status and list read the jobs route.
run --json status "$JOB"
expect_rc 0 "status over HTTP"
expect_eq "$(json_field state)" "FINISHED" "state through the jobs route"
expect_eq "$(json_field history.2.data)" '{"progress": 0.5}' "URL-parameter data in the history"
check
grep -q '"salt"' "$OUT" && fail "the jobs route must never show salts"
run list --state FINISHED
expect_rc 0 "list over HTTP"
expect_out "$JOB" "list shows the job"

# Executions: the one of the last message, with its logs.
run --json event validate "$JOB" --token "$TOKEN"
EXEC=$(json_field execution_id)
run status --execution "$EXEC"
expect_rc 0 "status --execution"
expect_out "COMPLETE" "execution status"

# The database agrees with what the client was told.
expect_eq "$(db_query "SELECT name FROM history WHERE job_uuid='$JOB' ORDER BY seq" | paste -sd,)" \
    "create,run,update,finish,validate" "history written by the server"

# Secrets never reach the server's log.
check
grep -qF -e "$BEARER" -e "$NONCE" -e "$TOKEN" "$WORK/serve.log" && fail "a secret is in the server log"

# Manager down: the message is queued (75), then flushed once it is back.
kill "$SERVE"
wait "$SERVE" 2>/dev/null
run --retries 1 --retry-max-time 2 event validated "$JOB" --token "$TOKEN"
expect_rc 75 "manager down"
expect_err "queued as" "queued"
check
grep -rqF -e "$NONCE" "$XDG_STATE_HOME/pjm/outbox" && fail "the nonce must not be stored in the outbox"
"$PJM" serve --listen "127.0.0.1:$PORT" --actor-id pjm --bearer-file "$WORK/bearers" \
    --nonce-file "$WORK/nonces" 2>>"$WORK/serve.log" &
SERVE=$!
for _ in $(seq 100); do
    curl -sf "$BASE/healthz" >/dev/null 2>&1 && break
    sleep 0.05
done
run outbox flush
expect_rc 0 "flush delivers"
expect_out "delivered 1" "one delivered"
run outbox flush
expect_rc 0 "flushing again"
expect_out "delivered 0" "nothing more to deliver"
expect_eq "$(db_query "SELECT count(*) FROM history WHERE job_uuid='$JOB' AND name='validated'")" \
    "1" "the queued event applied exactly once"

finish
