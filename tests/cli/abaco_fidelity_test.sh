#!/usr/bin/env bash
# pjm serve answers as Abaco does, so that clients written for Abaco work unchanged
# (docs/protocol.md#abaco-compatibility). Each route's fields are pinned below against Abaco's
# own description of them, with where each list comes from:
#   TACC/abaco actors/models.py: Execution.PARAMS and display(), ExecutionsSummary, Actor,
#     Worker; actors/controllers.py: MessagesResource.post (execution_id, msg, _links),
#     do_synch_message (the logs as the body), ActorExecutionLogsResource.get;
#   TACC/abaco docs/specs/openapi_v3.yml: the Actor schema;
#   @tapis/tapis-typescript-actors (npm): the fields its models read.
# Then the key cases (--case), a message as a form field or wrapped as {"message": …}, and
# _abaco_synchronous=true, with curl and with the pjm client.
source "$PJM_TEST_LIB"
command -v curl >/dev/null || { echo "$TEST_NAME: curl is not installed" >&2; exit 1; }

BEARER=abaco-fidelity-bearer-$RANDOM$RANDOM
ACTOR=pjmtest
printf '# first\nsome-other-token-0123456789\n%s\n' "$BEARER" >"$WORK/bearers"
setup_job demo '{"n": 1}'
start_server --bearer-file "$WORK/bearers"

# call METHOD PATH [CURL ARGS…] : the reply body in $OUT, status in $STATUS, headers in $HDR.
HDR="$WORK/headers"
call() {
    local method=$1 path=$2
    shift 2
    STATUS=$(curl -s -X "$method" -D "$HDR" -o "$OUT" -w '%{http_code}' \
        -H "Authorization: Bearer $BEARER" "$@" "$URL$path" 2>"$ERR")
}
# fields WHAT EXPR KEYS… : the keys of the JSON value EXPR (Python, over `d`, the reply) include
# every one of KEYS.
fields() {
    local what=$1 expr=$2
    shift 2
    check
    python3 - "$OUT" "$expr" "$@" <<'EOF' || fail "$what: $(cat "$OUT.missing")"
import json, sys
d = json.load(open(sys.argv[1]))
v = eval(sys.argv[2])
missing = [k for k in sys.argv[3:] if k not in v]
open(sys.argv[1] + ".missing", "w").write("missing " + ", ".join(missing) + " in " + json.dumps(v)[:600])
sys.exit(1 if missing else 0)
EOF
}
value() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$OUT" "$1"; }

# --- POST …/messages: MessagesResource.post → {execution_id, msg, _links{self, owner, messages}}
call POST /messages -H 'Content-Type: application/json' \
    --data "{\"uuid\": \"$JOB\", \"name\": \"run\", \"token\": \"$TOKEN\"}"
expect_eq "$STATUS" 200 "a message"
fields "envelope" "d" status message version result
fields "message result (snake, as Abaco's default)" "d['result']" execution_id msg _links
fields "message result (camel: the bash client and the Tapis TypeScript bindings read it)" \
    "d['result']" executionId
fields "message links" "d['result']['_links']" self owner messages
EXEC=$(value "d['result']['execution_id']")
expect_eq "$(value "d['result']['executionId']")" "$EXEC" "both spellings name one execution"

# --- GET …/executions/<id>: Execution.PARAMS (less tenant), plus _links self, owner, logs
call GET "/executions/$EXEC"
expect_eq "$STATUS" 200 "GET the execution"
fields "execution (Abaco's fields)" "d['result']" id actor_id api_server executor worker_id \
    message_received_time start_time finish_time runtime cpu io status exit_code final_state _links
fields "execution (camel spellings)" "d['result']" actorId apiServer workerId \
    messageReceivedTime startTime finishTime exitCode finalState
fields "execution links" "d['result']['_links']" self owner logs
fields "final_state (Docker's State, never renamed)" "d['result']['final_state']" Status ExitCode \
    StartedAt FinishedAt Running Error
expect_eq "$(value "d['result']['executor']")" "bearer-2" "executor: the second value of the bearer file"
expect_eq "$(value "d['result']['status']")" "COMPLETE" "status"
expect_eq "$(value "d['result']['runtime']")" "0" "runtime in whole seconds"
WORKER=$(value "d['result']['worker_id']")
check
[ ${#WORKER} -ge 8 ] || fail "worker_id is '$WORKER'"

# --- GET …/executions/<id>/logs: {logs, _links{self, owner, execution}}
call GET "/executions/$EXEC/logs"
fields "logs" "d['result']" logs _links
fields "logs links" "d['result']['_links']" self owner execution
expect_out "RUNNING" "the log says what the message did"

# --- GET /actors/v2, GET /actors/v2/<id>: openapi_v3.yml's Actor schema, status READY
curl -s -o "$OUT" -H "Authorization: Bearer $BEARER" "$BASE/actors/v2" 2>"$ERR"
fields "actor list" "d['result'][0]" id create_time image default_environment description \
    last_update_time link mounts owner privileged queue state stateless token status \
    status_message cron_schedule cron_on cron_next_ex type _links
expect_eq "$(value "len(d['result'])")" 1 "one actor"
call GET ""
expect_eq "$STATUS" 200 "GET the actor"
expect_eq "$(value "d['result']['id']")" "$ACTOR" "the actor's id"
expect_eq "$(value "d['result']['status']")" "READY" "the actor is READY"
fields "actor links" "d['result']['_links']" self owner executions
call GET ""
curl -s -o "$OUT" -w '%{http_code}' "$BASE/actors/v2" >"$WORK/code" 2>/dev/null
expect_eq "$(cat "$WORK/code")" 401 "the actor list needs credentials too"
curl -s -o "$OUT" -w '%{http_code}' -H "Authorization: Bearer $BEARER" "$BASE/actors/v2/other" >"$WORK/code"
expect_eq "$(cat "$WORK/code")" 404 "another actor is not here"

# --- GET …/workers: Worker.PARAMS (the TypeScript ActorWorker's fields); this process
call GET /workers
expect_eq "$STATUS" 200 "GET the workers"
fields "worker" "d['result'][0]" id status tenant ch_name image location cid host_id \
    create_time last_execution_time last_health_check_time
expect_eq "$(value "d['result'][0]['id']")" "$WORKER" "the worker that handled the message"
expect_eq "$(value "d['result'][0]['status']")" "READY" "the worker is READY"

# --- GET …/messages: {messages, _links{self, owner}}
call GET /messages
fields "messages" "d['result']" messages _links
expect_eq "$(value "d['result']['messages']")" 0 "nothing waits"

# --- A message as a form field, and wrapped as {"message": …} (the Tapis JSONMessage)
call POST /messages --data-urlencode "message={\"uuid\": \"$JOB\", \"name\": \"update\", \"token\": \"$TOKEN\", \"data\": {\"via\": \"form\"}}"
expect_eq "$STATUS" 200 "a message as the form field message="
call POST /messages -H 'Content-Type: application/json' \
    --data "{\"message\": {\"uuid\": \"$JOB\", \"name\": \"update\", \"token\": \"$TOKEN\", \"data\": {\"via\": \"object\"}}}"
expect_eq "$STATUS" 200 "a message wrapped as {\"message\": {…}}"
inner=$(python3 -c 'import json,sys; print(json.dumps(json.dumps({"uuid": sys.argv[1], "name": "update", "token": sys.argv[2], "data": {"via": "text"}})))' "$JOB" "$TOKEN")
call POST /messages -H 'Content-Type: application/json' --data "{\"message\": $inner}"
expect_eq "$STATUS" 200 "a message wrapped as {\"message\": \"<its JSON text>\"}"
check
grep -q "$TOKEN" "$OUT" && fail "the echoed msg shows the job token"
call POST /messages --data-urlencode "message=not json"
expect_eq "$STATUS" 400 "a form field that is no JSON object"
run --local --json status "$JOB"
expect_eq "$(python3 -c 'import json,sys; print(",".join(e["data"].get("via","") for e in json.load(open(sys.argv[1]))["history"]))' "$OUT")" \
    ",,form,object,text" "each wrapped message applied once"

# --- GET …/executions: ExecutionsSummary (actor_id, api_server, owner, executions[{id, status,
# start_time, finish_time, message_received_time}], total_*), newest first, paged
call GET /executions
expect_eq "$STATUS" 200 "GET the executions"
fields "executions summary" "d['result']" actor_id api_server owner executions total_executions \
    total_cpu total_io total_runtime _links
fields "executions summary (camel)" "d['result']" actorId totalExecutions totalRuntime
fields "an execution in the summary" "d['result']['executions'][0]" id status start_time \
    finish_time message_received_time
fields "an execution in the summary (camel)" "d['result']['executions'][0]" startTime finishTime
expect_eq "$(value "d['result']['total_executions']")" "$(db_query "SELECT count(*) FROM executions")" \
    "total_executions counts every execution"
LATEST=$(value "d['result']['executions'][0]['id']")
SECOND=$(value "d['result']['executions'][1]['id']")
call GET "/executions?limit=1&offset=1"
expect_eq "$(value "[e['id'] for e in d['result']['executions']]")" "['$SECOND']" "limit=1&offset=1: the second newest"
call GET "/executions?limit=1&skip=0"
expect_eq "$(value "[e['id'] for e in d['result']['executions']]")" "['$LATEST']" "skip= as Abaco's search names it"
for bad in "limit=0" "limit=1001" "offset=-1" "limit=x" "offset=1&skip=1" "limit=1&limit=2"; do
    call GET "/executions?$bad"
    expect_eq "$STATUS" 400 "GET executions?$bad"
done

# --- _abaco_synchronous=true: the logs as the body (text/html), pjm's outcome in headers
call POST "/messages?_abaco_synchronous=true" -H 'Content-Type: application/json' \
    --data "{\"uuid\": \"$JOB\", \"name\": \"update\", \"token\": \"$TOKEN\"}"
expect_eq "$STATUS" 200 "a synchronous message"
check
grep -qi '^content-type: text/html' "$HDR" || fail "a synchronous reply is text/html: $(cat "$HDR")"
grep -qi '^x-pjm-exit-code: 0' "$HDR" || fail "the exit code header: $(cat "$HDR")"
check
grep -q '"status"' "$OUT" && fail "a synchronous reply is no envelope: $(cat "$OUT")"
expect_out "update" "the body is the execution's log"
before=$(db_sum)
call POST "/messages?_abaco_synchronous=TRUE" -H 'Content-Type: application/json' \
    --data "{\"uuid\": \"$JOB\", \"name\": \"finalize\", \"token\": \"$TOKEN\"}"
expect_eq "$STATUS" 200 "a refused synchronous message completes too (as on Abaco)"
check
grep -qi '^x-pjm-exit-code: 6' "$HDR" || fail "the refusal's exit code header: $(cat "$HDR")"
expect_out "not allowed" "the log says why"

# The pjm client in --sync mode reads the headers: its exit codes stay as documented.
export PJM_BEARER_TOKEN="$BEARER"
run --url "$URL/messages" --sync event update "$JOB" --token "$TOKEN"
expect_rc 0 "pjm --sync event update"
run --url "$URL/messages" --sync --json event finalize "$JOB" --token "$TOKEN"
expect_rc 6 "pjm --sync event finalize: refused"
expect_out "not allowed" "the refusal's message"
unset PJM_BEARER_TOKEN

# --- --case snake and --case camel
stop_server
start_server --bearer-file "$WORK/bearers" --case snake
call GET "/executions/$EXEC"
expect_eq "$(value "'workerId' in d['result'] or 'executionId' in d['result']")" False "--case snake: no camel key"
fields "--case snake" "d['result']" worker_id exit_code
stop_server
start_server --bearer-file "$WORK/bearers" --case camel
call GET "/executions/$EXEC"
fields "--case camel" "d['result']" workerId exitCode actorId finalState _links
expect_eq "$(value "'worker_id' in d['result']")" False "--case camel: no snake key"
# pjm's own client reads either case.
export PJM_BEARER_TOKEN="$BEARER"
run --url "$URL/messages" --wait event update "$JOB" --token "$TOKEN"
expect_rc 0 "pjm --wait against a camel-case manager"
run --url "$URL/messages" status --execution "$EXEC"
expect_rc 0 "pjm status --execution against a camel-case manager"
expect_out "worker_id:" "the execution's worker"
unset PJM_BEARER_TOKEN
run serve --listen 127.0.0.1:0 --actor-id "$ACTOR" --bearer-file "$WORK/bearers" --case kebab
expect_rc 2 "--case kebab"
expect_err "snake" "--case names its choices"

finish
