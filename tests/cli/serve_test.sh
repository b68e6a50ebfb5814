#!/usr/bin/env bash
# pjm serve end to end: real HTTP on 127.0.0.1 with plain curl. The original system's request
# shapes (a JSON body with a Bearer header; URL parameters with x-nonce, the body becoming the
# event's data), an Agave callback, a job's whole lifecycle, the jobs, executions, /healthz and
# /metrics routes, every error status (each leaving the jobs unchanged), credentials checked
# before any body is handled, the pjm client against the server, secrets kept out of the log,
# and a clean stop on SIGTERM.
# pjm-test: sanitize on SQLite too (the writer and checkpointer on a SQLite file)
source "$PJM_TEST_LIB"
command -v curl >/dev/null || { echo "serve_test: curl is not installed" >&2; exit 1; }

BEARER=b3arer-$RANDOM$RANDOM-tok-0f9e8d7c
NONCE=TACC_n0nce$RANDOM$RANDOM-1a2b3c4d
ACTOR=pjmtest
printf '# bearer tokens accepted by the test server\n%s\n' "$BEARER" >"$WORK/bearers"
printf 'some-other-nonce\n%s\n' "$NONCE" >"$WORK/nonces"
setup_job demo '{"n": 1}'
# http ARGS… : curl with the reply body in $OUT and the status in $STATUS.
http() {
    STATUS=$(curl -s -o "$OUT" -w '%{http_code}' "$@" 2>"$ERR")
}
expect_status() { # expect_status CODE WHAT
    check
    [ "$STATUS" = "$1" ] || fail "$2: HTTP $STATUS, expected $1"
}
# expect_envelope STATUS WHAT: the reply is an Abaco envelope with that status field.
expect_envelope() {
    check
    python3 - "$OUT" "$1" <<'PY' || fail "$2: the reply is not an Abaco envelope with status $1"
import json, sys
doc = json.load(open(sys.argv[1]))
assert set(doc) == {"status", "message", "version", "result"}, doc
assert doc["status"] == sys.argv[2], doc
assert isinstance(doc["message"], str) and doc["message"], doc
PY
}
post() { http -X POST -H "Authorization: Bearer $BEARER" "$@"; } # post [curl args…] URL
# The jobs, their history and the pipelines: what a refused message must not change. (The
# executions table grows with every handled message, refused or not.)
tables() {
    local t
    for t in "pipelines ORDER BY uuid" "jobs ORDER BY uuid" "history ORDER BY job_uuid, seq"; do
        case "$PJM_DATABASE" in
        postgres://* | postgresql://*) psql "$PJM_DATABASE" -XqAt -c "SELECT * FROM $t" ;;
        *) sqlite3 "$PJM_DATABASE" "SELECT * FROM $t" ;;
        esac
    done
}
# refused CODE WHAT CURL-ARGS… : the request gets CODE in an error envelope, tables unchanged.
refused() {
    local code=$1 what=$2
    shift 2
    local before
    before=$(tables)
    http "$@"
    expect_status "$code" "$what"
    expect_envelope error "$what"
    check
    [ "$(tables)" = "$before" ] || fail "$what: the database changed"
}

# --- Refusing to start ----------------------------------------------------------------------
run serve --listen 127.0.0.1:0 --actor-id "$ACTOR"
expect_rc 2 "serve without credentials"
expect_err "will not start without credentials" "serve without credentials"
run serve --listen 127.0.0.1:0 --bearer-file "$WORK/bearers"
expect_rc 2 "serve without an actor id"
expect_err "actor id" "serve without an actor id"
run serve --listen 127.0.0.1:0 --actor-id "$ACTOR" --bearer-file "$WORK/missing"
expect_rc 2 "serve with a missing bearer file"
expect_err "cannot read bearer file" "serve with a missing bearer file"
printf '# nothing yet\n\n' >"$WORK/empty"
run serve --listen 127.0.0.1:0 --actor-id "$ACTOR" --nonce-file "$WORK/empty"
expect_rc 2 "serve with an empty nonce file"
expect_err "holds no value" "serve with an empty nonce file"
run serve --listen nowhere --actor-id "$ACTOR" --no-auth
expect_rc 2 "serve with a malformed --listen"
run serve --listen 127.0.0.1:0 --actor-id 'bad/actor' --no-auth
expect_rc 2 "serve with a malformed actor id"
run serve --help
expect_rc 0 "serve --help"
expect_out "Examples:" "serve --help"
expect_out "--bearer-file" "serve --help"

start_server --bearer-file "$WORK/bearers" --nonce-file "$WORK/nonces"

# A second server on the same port cannot start.
run serve --listen "${BASE#http://}" --actor-id "$ACTOR" --no-auth
expect_rc 1 "serve on a port in use"
expect_err "cannot listen on" "serve on a port in use"

# --- Service routes -------------------------------------------------------------------------
http "$BASE/healthz"
expect_status 200 "/healthz"
expect_envelope success "/healthz"

# --- The original system's curl examples ----------------------------------------------------
# "Sending a Bearer Token": the event in a JSON body (curl's default form Content-Type).
post --data "{\"uuid\": \"$JOB\", \"token\": \"$TOKEN\", \"name\": \"run\"}" "$URL/messages"
expect_status 200 "original system's example: JSON body with a Bearer token"
expect_envelope success "original system's example: JSON body with a Bearer token"
expect_eq "$(json_field result.kind)" "PipelineJobEvent" "JSON body: message kind"
expect_eq "$(json_field result.job.state)" "RUNNING" "JSON body: the job after the event"
expect_eq "$(json_field result.exit_code)" "0" "JSON body: exit code"
RUN_EXEC=$(json_field result.execution_id)
check
[[ "$RUN_EXEC" =~ ^[0-9A-Za-z]{16}$ ]] || fail "execution id '$RUN_EXEC'"
expect_eq "$(json_field result._links.self)" "$URL/executions/$RUN_EXEC" "execution link"

# "Using a Nonce": uuid, name and token as URL parameters with x-nonce; the body is the data.
http -X POST --data '{"arbitrary": "key value data"}' \
    "$URL/messages?uuid=$JOB&name=update&token=$TOKEN&x-nonce=$NONCE"
expect_status 200 "original system's example: URL parameters with a nonce"
expect_envelope success "original system's example: URL parameters with a nonce"
http -H "Authorization: Bearer $BEARER" "$URL/jobs/$JOB"
expect_status 200 "GET job"
expect_eq "$(json_field result.history.2.name)" "update" "URL-parameter event recorded"
expect_eq "$(json_field result.history.2.data)" '{"arbitrary": "key value data"}' \
    "the body became the event's data"
# 'event' is the alias of 'name'; any Content-Type, the body is read as JSON.
http -X POST -H 'Content-Type: text/plain' --data '{"step": 2}' \
    "$URL/messages?uuid=$JOB&event=resource&token=$TOKEN&x-nonce=$NONCE"
expect_status 200 "URL parameters with event= and text/plain"

# An Agave job-status callback: uuid and token in the URL, the status in the body.
cat >"$WORK/agave.json" <<'EOF'
{"owner": "sd2eadm", "appId": "app-0.1.0", "executionSystem": "hpc.tacc", "archivePath": "/a",
 "archiveSystem": "data.tacc", "status": "FINISHED", "inputs": {}, "parameters": {"p": 1},
 "_links": {"self": {"href": "https://agave/jobs/1"}}, "retries": 0, "localId": "42"}
EOF
post --data @"$WORK/agave.json" "$URL/messages?uuid=$JOB&token=$TOKEN"
expect_status 200 "Agave callback"
expect_eq "$(json_field result.kind)" "AgaveJobsPost" "Agave callback: message kind"
expect_eq "$(json_field result.job.state)" "FINISHED" "Agave FINISHED → finish"
http -H "Authorization: Bearer $BEARER" "$URL/jobs/$JOB"
expect_eq "$(json_field result.history.4.data.parameters)" '{"p": 1}' "Agave body became data"
check
! json_field result.history.4.data | grep -q '_links\|localId\|retries' ||
    fail "Agave data keeps _links, retries or localId"

# --- A whole lifecycle through HTTP ---------------------------------------------------------
post --data "{\"pipeline_uuid\": \"$PIPELINE\", \"archive_path\": \"/archive/run2\", \"data\": {\"n\": 2}}" \
    "$URL/messages"
expect_status 200 "create over HTTP"
expect_eq "$(json_field result.kind)" "PipelineJobCreateAction" "create: message kind"
JOB2=$(json_field result.job.uuid)
TOKEN2=$(json_field result.token)
check
[[ "$TOKEN2" =~ ^[0-9a-f]{16}$ ]] || fail "create over HTTP: token '$TOKEN2'"
# The same job through the local door has the same UUID and accepts the token.
run --local token verify "$TOKEN2" --job "$JOB2"
expect_rc 0 "the token from HTTP is the job's token"
for step in run:RUNNING finish:FINISHED index:INDEXING indexed:FINISHED validate:VALIDATING \
    validated:VALIDATED finalize:FINALIZED retire:RETIRED; do
    post --data "{\"uuid\": \"$JOB2\", \"name\": \"${step%%:*}\", \"token\": \"$TOKEN2\"}" \
        "$URL/messages"
    expect_status 200 "lifecycle: ${step%%:*}"
    expect_eq "$(json_field result.job.state)" "${step#*:}" "lifecycle: state after ${step%%:*}"
done
post --data "{\"uuid\": \"$JOB2\", \"name\": \"reset\", \"token\": \"$ADMIN\"}" "$URL/messages"
expect_status 200 "reset with the admin token"
post --data "{\"uuid\": \"$JOB2\", \"name\": \"ready\", \"token\": \"$ADMIN\"}" "$URL/messages"
expect_status 200 "ready with the admin token"
expect_eq "$(json_field result.job.state)" "CREATED" "ready → CREATED"
post --data "{\"uuid\": \"$JOB2\", \"action\": \"delete\", \"token\": \"$ADMIN\"}" "$URL/messages"
expect_status 200 "delete (hide)"
expect_eq "$(json_field result.kind)" "PipelineJobDeleteAction" "delete: message kind"
http -H "Authorization: Bearer $BEARER" "$URL/jobs/$JOB2"
expect_eq "$(json_field result.visible)" "false" "a hidden job still shows"
refused 409 "event to a hidden job" -X POST -H "Authorization: Bearer $BEARER" \
    --data "{\"uuid\": \"$JOB2\", \"name\": \"run\", \"token\": \"$TOKEN2\"}" "$URL/messages"
post --data "{\"uuid\": \"$JOB2\", \"action\": \"delete\", \"force\": true, \"token\": \"$ADMIN\"}" \
    "$URL/messages"
expect_status 200 "delete --force"
http -H "Authorization: Bearer $BEARER" "$URL/jobs/$JOB2"
expect_status 404 "a force-deleted job is gone"
expect_envelope error "a force-deleted job is gone"

# --- Idempotency-Key: a repeat gets the first reply and changes nothing ----------------------
KEY=key-$RANDOM$RANDOM
post -H "Idempotency-Key: $KEY" \
    --data "{\"pipeline_uuid\": \"$PIPELINE\", \"archive_path\": \"/archive/run4\", \"data\": {\"n\": 4}}" \
    "$URL/messages"
expect_status 200 "create with an Idempotency-Key"
JOB4=$(json_field result.job.uuid)
TOKEN4=$(json_field result.token)
EXEC4=$(json_field result.execution_id)
BEFORE=$(tables)
post -H "Idempotency-Key: $KEY" \
    --data "{\"pipeline_uuid\": \"$PIPELINE\", \"archive_path\": \"/archive/run4\", \"data\": {\"n\": 4}}" \
    "$URL/messages"
expect_status 200 "the same create, the same key: the first reply"
expect_eq "$(json_field result.execution_id)" "$EXEC4" "a repeat: the same execution"
expect_eq "$(json_field result.job.uuid)" "$JOB4" "a repeat: the same job"
expect_eq "$(json_field result.token)" "$TOKEN4" "a repeat: the same token"
check
[ "$(tables)" = "$BEFORE" ] || fail "a repeated Idempotency-Key changed the database"
post --data "{\"pipeline_uuid\": \"$PIPELINE\", \"archive_path\": \"/archive/run4\", \"data\": {\"n\": 4}}" \
    "$URL/messages"
expect_status 409 "the same create without the key: a conflict"
post -H "Idempotency-Key: $KEY-run" --data "{\"uuid\": \"$JOB4\", \"name\": \"run\", \"token\": \"$TOKEN4\"}" "$URL/messages"
expect_status 200 "an event with a key"
BEFORE=$(tables)
post -H "Idempotency-Key: $KEY-run" --data "{\"uuid\": \"$JOB4\", \"name\": \"run\", \"token\": \"$TOKEN4\"}" "$URL/messages"
expect_status 200 "the same event, the same key"
check
[ "$(tables)" = "$BEFORE" ] || fail "a repeated event with its key was applied twice"
# The key is bound to the body and the credential that first used it: another body under it is
# refused (422) and applies nothing; the same body from another credential (the nonce) gets
# the reply without the create's token.
refused 422 "another message under a used key" -X POST -H "Authorization: Bearer $BEARER" \
    -H "Idempotency-Key: $KEY" \
    --data "{\"pipeline_uuid\": \"$PIPELINE\", \"archive_path\": \"/archive/run5\", \"data\": {\"n\": 5}}" \
    "$URL/messages"
expect_out "first used for another message" "422 says the key was used for another message"
curl -s -o "$OUT" -w '%{http_code}' -X POST -H "Idempotency-Key: $KEY" \
    --data "{\"pipeline_uuid\": \"$PIPELINE\", \"archive_path\": \"/archive/run4\", \"data\": {\"n\": 4}}" \
    "$URL/messages?x-nonce=$NONCE" >"$WORK/status"
expect_eq "$(cat "$WORK/status")" 200 "the same create and key from another credential"
expect_eq "$(json_field result.job.uuid)" "$JOB4" "another credential: the same job"
check
! grep -qF -- "$TOKEN4" "$OUT" || fail "the create's token was given again to another credential"
refused 400 "a malformed Idempotency-Key" -X POST -H "Authorization: Bearer $BEARER" \
    -H "Idempotency-Key: $(printf 'k%.0s' $(seq 1 300))" \
    --data "{\"uuid\": \"$JOB4\", \"name\": \"update\", \"token\": \"$TOKEN4\"}" "$URL/messages"
run --local delete "$JOB4" --force --token "$ADMIN"

# --- Jobs routes ----------------------------------------------------------------------------
run --local --json create --pipeline "$PIPELINE" --archive-path /archive/run3 --data '{"n": 3}'
JOB3=$(json_field uuid)
TOKEN3=$(json_field token)
http -H "Authorization: Bearer $BEARER" "$URL/jobs/$JOB"
expect_status 200 "GET job"
expect_envelope success "GET job"
expect_eq "$(json_field result.uuid)" "$JOB" "GET job: uuid"
expect_eq "$(json_field result.state)" "FINISHED" "GET job: state"
check
! grep -q '"salt"' "$OUT" || fail "GET job shows the salt"
run --local --json status "$JOB"
LOCAL_DOC=$(python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1])), sort_keys=True))' "$OUT")
http -H "Authorization: Bearer $BEARER" "$URL/jobs/$JOB"
HTTP_DOC=$(python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))["result"], sort_keys=True))' "$OUT")
expect_eq "$HTTP_DOC" "$LOCAL_DOC" "GET job is the document of 'pjm --local --json status'"
http -H "Authorization: Bearer $BEARER" "$URL/jobs?x-nonce=ignored"
expect_status 200 "GET jobs"
list_uuids() { python3 -c 'import json,sys; print(" ".join(d["uuid"] for d in json.load(open(sys.argv[1]))["result"]))' "$OUT"; }
expect_eq "$(list_uuids)" "$JOB3 $JOB" "GET jobs: most recently updated first"
http "$URL/jobs?state=created&x-nonce=$NONCE"
expect_eq "$(list_uuids)" "$JOB3" "GET jobs?state="
http "$URL/jobs?limit=1&pipeline=$PIPELINE&x-nonce=$NONCE"
expect_eq "$(list_uuids)" "$JOB3" "GET jobs?limit=&pipeline="
http "$URL/jobs?pipeline=106aaaaa-bbbb-5ccc-8ddd-eeeeeeeeeeee&x-nonce=$NONCE"
expect_eq "$(list_uuids)" "" "GET jobs of another pipeline"
check
! grep -q '"history"\|"salt"' "$OUT" || fail "GET jobs shows history or salts"
refused 400 "GET jobs?state=bogus" "$URL/jobs?state=bogus&x-nonce=$NONCE"
refused 400 "GET jobs?limit=0" "$URL/jobs?limit=0&x-nonce=$NONCE"
refused 400 "GET jobs?pipeline=not-a-uuid" "$URL/jobs?pipeline=nope&x-nonce=$NONCE"
refused 400 "GET job with a malformed UUID" "$URL/jobs/not-a-uuid?x-nonce=$NONCE"
refused 404 "GET an unknown job" "$URL/jobs/107aaaaa-bbbb-5ccc-8ddd-eeeeeeeeeeee?x-nonce=$NONCE"
refused 401 "GET job without credentials" "$URL/jobs/$JOB"

# --- Executions and logs --------------------------------------------------------------------
http -H "Authorization: Bearer $BEARER" "$URL/executions/$RUN_EXEC"
expect_status 200 "GET execution"
expect_envelope success "GET execution"
expect_eq "$(json_field result.id)" "$RUN_EXEC" "execution: id"
expect_eq "$(json_field result.status)" "COMPLETE" "execution: status"
expect_eq "$(json_field result.exit_code)" "0" "execution: exit code"
expect_eq "$(json_field result.job_uuid)" "$JOB" "execution: job"
check
[[ "$(json_field result.start_time)" =~ ^20[0-9-]{8}T[0-9:.]{12}Z$ ]] || fail "execution: start_time"
http "$URL/executions/$RUN_EXEC/logs?x-nonce=$NONCE"
expect_status 200 "GET execution logs"
expect_eq "$(json_field result.logs)" "$JOB run: CREATED -> RUNNING" "execution logs"
post --data "{\"uuid\": \"$JOB\", \"name\": \"finalize\", \"token\": \"$TOKEN\"}" "$URL/messages"
expect_status 409 "a refused event"
REFUSED_EXEC=$(json_field result.execution_id)
http "$URL/executions/$REFUSED_EXEC?x-nonce=$NONCE"
expect_eq "$(json_field result.exit_code)" "6" "a refused message's execution: exit code 6"
http "$URL/executions/$REFUSED_EXEC/logs?x-nonce=$NONCE"
check
grep -q "not allowed in state FINISHED" "$OUT" || fail "a refused message's log says why"
refused 404 "an unknown execution" "$URL/executions/AAAAAAAAAAAAAAAA?x-nonce=$NONCE"
refused 404 "an unknown execution's logs" "$URL/executions/AAAAAAAAAAAAAAAA/logs?x-nonce=$NONCE"
refused 401 "an execution without credentials" "$URL/executions/$RUN_EXEC"

# --- Every error status, each leaving the jobs unchanged ------------------------------------
M="$URL/messages"
B=(-X POST -H "Authorization: Bearer $BEARER")
refused 400 "invalid JSON" "${B[@]}" --data '{"uuid": ' "$M"
refused 400 "a message of no kind" "${B[@]}" --data '{"hello": "world"}' "$M"
refused 400 "an unknown event" "${B[@]}" --data "{\"uuid\": \"$JOB\", \"name\": \"explode\", \"token\": \"$TOKEN\"}" "$M"
refused 400 "URL parameters with a body that is no object" -X POST --data '[1]' \
    "$M?uuid=$JOB&name=update&token=$TOKEN&x-nonce=$NONCE"
refused 400 "a malformed %-escape in the query" "${B[@]}" --data '{}' "$M?uuid=%zz"
refused 401 "a valid event without credentials" -X POST \
    --data "{\"uuid\": \"$JOB\", \"name\": \"update\", \"token\": \"$TOKEN\"}" "$M"
check
grep -q "no credentials" "$OUT" || fail "401 says no credentials were given"
# Credentials are checked before the body is handled: invalid JSON without them is a 401.
refused 401 "invalid JSON without credentials" -X POST --data '{"uuid": ' "$M"
refused 401 "an unknown bearer token" -X POST -H "Authorization: Bearer wrong-$BEARER" \
    --data "{\"uuid\": \"$JOB\", \"name\": \"update\", \"token\": \"$TOKEN\"}" "$M"
refused 401 "an unknown nonce" -X POST --data '{}' \
    "$M?uuid=$JOB&name=update&token=$TOKEN&x-nonce=wrong-$NONCE"
refused 401 "a nonce given as a bearer token" -X POST -H "Authorization: Bearer $NONCE" \
    --data "{\"uuid\": \"$JOB\", \"name\": \"update\", \"token\": \"$TOKEN\"}" "$M"
refused 401 "Basic authentication with the nonce as password" -X POST -u "user:$NONCE" \
    --data "{\"uuid\": \"$JOB\", \"name\": \"update\", \"token\": \"$TOKEN\"}" "$M"
refused 403 "a wrong job token" "${B[@]}" \
    --data "{\"uuid\": \"$JOB\", \"name\": \"update\", \"token\": \"0123456789abcdef\"}" "$M"
refused 403 "a job token for reset" "${B[@]}" \
    --data "{\"uuid\": \"$JOB\", \"name\": \"reset\", \"token\": \"$TOKEN\"}" "$M"
refused 403 "delete with the job token" "${B[@]}" \
    --data "{\"uuid\": \"$JOB\", \"action\": \"delete\", \"token\": \"$TOKEN\"}" "$M"
refused 403 "an event without a token" "${B[@]}" --data "{\"uuid\": \"$JOB\", \"name\": \"update\"}" "$M"
refused 404 "an unknown job" "${B[@]}" \
    --data "{\"uuid\": \"107aaaaa-bbbb-5ccc-8ddd-eeeeeeeeeeee\", \"name\": \"update\", \"token\": \"$TOKEN\"}" "$M"
refused 404 "create for an unknown pipeline" "${B[@]}" \
    --data '{"pipeline_uuid": "106aaaaa-bbbb-5ccc-8ddd-eeeeeeeeeeee", "archive_path": "/a", "data": {}}' "$M"
refused 404 "another actor" "${B[@]}" \
    --data "{\"uuid\": \"$JOB\", \"name\": \"update\", \"token\": \"$TOKEN\"}" "$BASE/actors/v2/someone-else/messages"
refused 404 "an unknown route" -H "Authorization: Bearer $BEARER" "$BASE/actors/v2/$ACTOR/nothing"
refused 409 "an event not allowed in the state" "${B[@]}" \
    --data "{\"uuid\": \"$JOB\", \"name\": \"run\", \"token\": \"$TOKEN\"}" "$M"
refused 409 "creating a job that exists" "${B[@]}" \
    --data "{\"pipeline_uuid\": \"$PIPELINE\", \"archive_path\": \"/x\", \"data\": {\"n\": 1}}" "$M"
# Over the limit (1 MiB by default): a valid message with a 1.1 MiB data field.
python3 -c "
import json, sys
print(json.dumps({'uuid': sys.argv[1], 'name': 'update', 'token': sys.argv[2], 'data': {'pad': 'x' * 1200000}}))
" "$JOB" "$TOKEN" >"$WORK/big.json"
refused 413 "a body over the limit" "${B[@]}" --data-binary @"$WORK/big.json" "$M"
refused 413 "a body over the limit, without Expect: 100-continue" "${B[@]}" -H 'Expect:' \
    --data-binary @"$WORK/big.json" "$M"
refused 413 "a chunked body over the limit" "${B[@]}" -H 'Transfer-Encoding: chunked' \
    --data-binary @"$WORK/big.json" "$M"
# The limit is the body's size: just under it is handled.
python3 -c "
import json, sys
doc = {'uuid': sys.argv[1], 'name': 'update', 'token': sys.argv[2], 'data': {'pad': ''}}
doc['data']['pad'] = 'x' * (1048576 - len(json.dumps(doc)))
sys.stdout.write(json.dumps(doc))
" "$JOB3" "$TOKEN3" >"$WORK/limit.json"
check
[ "$(wc -c <"$WORK/limit.json")" -eq 1048576 ] || fail "limit.json is not 1 MiB"
post --data-binary @"$WORK/limit.json" "$M"
expect_status 200 "a body of exactly the limit"

# --- The pjm client against pjm serve -------------------------------------------------------
run --url "$M" --bearer "$BEARER" --wait event update "$JOB3" --token "$TOKEN3" --data '{"by": "client"}'
expect_rc 0 "pjm event --wait with a bearer token"
expect_out "$JOB3 update: CREATED -> CREATED" "pjm event --wait prints the execution's log"
run --url "$M" --nonce "$NONCE" event update "$JOB3" --token "$TOKEN3" --url-params --data '{"by": "url"}'
expect_rc 0 "pjm event --url-params with a nonce"
run --url "$M" --nonce "$NONCE" --json status "$JOB3"
expect_rc 0 "pjm status through the jobs route"
expect_eq "$(json_field history.-1.data)" '{"by": "url"}' "pjm status shows the URL-parameter event"
run --url "$M" --bearer "$BEARER" list --state FINISHED
expect_rc 0 "pjm list through the jobs route"
expect_out "$JOB" "pjm list through the jobs route"
run --url "$M" --bearer "$BEARER" event finalize "$JOB" --token "$TOKEN"
expect_rc 6 "pjm event refused by the server: exit 6"
expect_err "not allowed in state FINISHED" "the server's reason on stderr"
run --url "$M" --bearer "wrong" --no-outbox event update "$JOB3" --token "$TOKEN3"
expect_rc 7 "pjm with an unknown bearer token, --no-outbox: exit 7"
expect_err "refused this sender" "pjm with an unknown bearer token: says the sender was refused"

# --- /metrics -------------------------------------------------------------------------------
http "$BASE/metrics"
expect_status 200 "/metrics"
check
grep -q '^pjm_messages_total{kind="PipelineJobEvent",outcome="ok"} [1-9]' "$OUT" ||
    fail "/metrics: accepted events"
check
grep -q '^pjm_messages_total{kind="PipelineJobEvent",outcome="conflict"} [1-9]' "$OUT" ||
    fail "/metrics: refused events"
check
grep -q '^pjm_messages_total{kind="unclassified",outcome="invalid"} [1-9]' "$OUT" ||
    fail "/metrics: invalid messages"
check
grep -q '^# TYPE pjm_message_handling_seconds histogram$' "$OUT" || fail "/metrics: histogram"
check
grep -q '^pjm_message_handling_seconds_bucket{le="+Inf"} [1-9]' "$OUT" || fail "/metrics: buckets"
check
grep -q '^pjm_http_replies_total{code="401"} [1-9]' "$OUT" || fail "/metrics: replies by status"

# --- The log: one line per request, secrets never in it -------------------------------------
check
grep -q "POST /actors/v2/$ACTOR/messages?uuid=$JOB&name=update&token=<redacted>&x-nonce=<redacted> 200 " "$LOG" ||
    fail "the log line of a URL-parameter message"
check
grep -q "GET /healthz 200 " "$LOG" || fail "the log line of /healthz"
for secret in "$BEARER" "$NONCE" "$TOKEN" "$TOKEN2" "$ADMIN"; do
    check
    ! grep -qF -- "$secret" "$LOG" || fail "a secret appears in the server's log"
done

# --- Requests in flight finish; SIGTERM stops the server with exit 0 -------------------------
python3 -c "
import json, sys
print(json.dumps({'uuid': sys.argv[1], 'name': 'update', 'token': sys.argv[2], 'data': {'slow': 'y' * 3000}}))
" "$JOB3" "$TOKEN3" >"$WORK/slow.json"
curl -s -o "$WORK/slow.out" -w '%{http_code}' -X POST -H "Authorization: Bearer $BEARER" \
    -H 'Expect:' --limit-rate 2K --data-binary @"$WORK/slow.json" "$M" >"$WORK/slow.status" &
CURL_PID=$!
sleep 0.5
kill -TERM "$SERVER_PID"
wait "$CURL_PID"
expect_eq "$(cat "$WORK/slow.status")" "200" "a request in flight at SIGTERM is answered"
wait "$SERVER_PID"
RC=$?
SERVER_PID=""
expect_rc 0 "pjm serve after SIGTERM"
check
grep -q "pjm serve: stopped" "$LOG" || fail "the log says the server stopped"

# --- --no-auth and a smaller --max-body -------------------------------------------------------
start_server --no-auth --max-body 200
http -X POST --data "{\"uuid\": \"$JOB3\", \"name\": \"update\", \"token\": \"$TOKEN3\"}" "$URL/messages"
expect_status 200 "--no-auth accepts a request without credentials"
refused 413 "a body over --max-body 200" -X POST \
    --data "{\"uuid\": \"$JOB3\", \"name\": \"update\", \"token\": \"$TOKEN3\", \"data\": {\"x\": \"$(printf '%0150d' 0)\"}}" \
    "$URL/messages"
kill -INT "$SERVER_PID"
wait "$SERVER_PID"
RC=$?
SERVER_PID=""
expect_rc 0 "pjm serve after SIGINT"

finish
