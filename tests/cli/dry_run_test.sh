#!/usr/bin/env bash
# --dry-run (docs/protocol.md#dry-run): client mode prints POST, the exact target URL and the
# exact payload, with every secret shown as <redacted>, and touches no database at all;
# --local --dry-run checks the message and leaves the database as it was.
source "$PJM_TEST_LIB"

JOB=1073f4ff-c2b9-5190-bd9a-e6a406d9796a
PIPELINE=106867bc-9c5c-50dd-b63e-fd0b6f14ef9e
JOB_TOKEN=0dc73dc3ff39b49a
BEARER=bearer-4f1c9e77a2d0
NONCE=nonce-b81d33e0c6
URL=https://tenant.example.org/actors/v2/Ac7or1d/messages

# expect_post URL WHAT : the first line of stdout is exactly "POST URL".
expect_post() {
    expect_eq "$(head -n 1 "$OUT")" "POST $1" "$2: method and URL"
}
# expect_payload JSON WHAT : the document after the headers' blank line is exactly JSON.
expect_payload() {
    check
    python3 - "$OUT" "$1" <<'PY' || fail "$2: payload is not $1"
import json, sys
text = open(sys.argv[1]).read()
head, _, body = text.partition("\n\n")
assert json.loads(body) == json.loads(sys.argv[2]), body
PY
}
# expect_no_secrets WHAT : no secret value (bearer, nonce, job token) in stdout or stderr.
expect_no_secrets() {
    local what=$1
    for secret in "$BEARER" "$NONCE" "$JOB_TOKEN"; do
        expect_absent "$secret" "$what: secret"
    done
}
expect_no_database() {
    check
    [ ! -e "$PJM_DATABASE" ] && [ ! -e "$XDG_DATA_HOME/pjm" ] ||
        fail "$1: a client-mode dry run created a database"
}

# --- the target URL, from --url, and from --tenant-url + --actor-id
PJM_BEARER_TOKEN=$BEARER run --dry-run --url "$URL" event run "$JOB" --token "$JOB_TOKEN" \
    --data '{"files": 3, "ok": true, "ratio": 0.5}'
expect_rc 0 "event with --url"
expect_post "$URL" "event with --url"
expect_out "Authorization: Bearer <redacted>" "event with --url: bearer redacted"
expect_out "Content-Type: application/json" "event with --url: content type"
expect_payload "{\"uuid\": \"$JOB\", \"name\": \"run\", \"token\": \"<redacted>\",
    \"data\": {\"files\": 3, \"ok\": true, \"ratio\": 0.5}}" "event with --url"
expect_err "nothing sent" "event with --url says nothing was sent"
expect_no_secrets "event with --url"
expect_no_database "event with --url"

run --dry-run --bearer "$BEARER" --tenant-url https://tenant.example.org/ --actor-id Ac7or1d \
    event finish "$JOB" --token "$JOB_TOKEN"
expect_rc 0 "event with --tenant-url and --actor-id"
expect_post "$URL" "--tenant-url https://tenant.example.org/ --actor-id Ac7or1d"
expect_payload "{\"uuid\": \"$JOB\", \"name\": \"finish\", \"token\": \"<redacted>\"}" \
    "event with --tenant-url"
expect_no_secrets "--bearer on the command line"

PJM_TENANT_URL=https://tenant.example.org PJM_ACTOR_ID=Ac7or1d PJM_TOKEN=$JOB_TOKEN \
    PJM_JOB_UUID=$JOB PJM_NONCE=$NONCE run --dry-run event fail --data '{"why": "oom"}'
expect_rc 0 "event from PJM_TENANT_URL, PJM_ACTOR_ID, PJM_JOB_UUID, PJM_TOKEN, PJM_NONCE"
expect_post "$URL?x-nonce=<redacted>" "the nonce is a URL parameter, redacted"
expect_payload "{\"uuid\": \"$JOB\", \"name\": \"fail\", \"token\": \"<redacted>\",
    \"data\": {\"why\": \"oom\"}}" "event from the environment"
expect_no_secrets "nonce from PJM_NONCE"

# The flag beats the environment for the URL too.
PJM_URL=https://other.example.org/actors/v2/X/messages run --dry-run --url "$URL" \
    event run "$JOB"
expect_post "$URL" "--url beats PJM_URL"
expect_payload "{\"uuid\": \"$JOB\", \"name\": \"run\"}" "event without a token"

# A URL that has a query already gets '&', and a nonce inside the URL is a secret too.
run --dry-run --nonce "$NONCE" --url "$URL?_abaco_synchronous=true" event run "$JOB"
expect_post "$URL?_abaco_synchronous=true&x-nonce=<redacted>" "URL with a query and a nonce"
expect_no_secrets "URL with a query and a nonce"
run --dry-run --url "$URL?x-nonce=$NONCE&_abaco_synchronous=true" event run "$JOB"
expect_post "$URL?x-nonce=<redacted>&_abaco_synchronous=true" "nonce given inside --url"
expect_no_secrets "nonce given inside --url"

# --- the payloads of delete and create
PJM_BEARER_TOKEN=$BEARER run --dry-run --url "$URL" delete "$JOB" --force --token "$JOB_TOKEN"
expect_rc 0 "delete --force"
expect_post "$URL" "delete --force"
expect_payload "{\"uuid\": \"$JOB\", \"action\": \"delete\", \"force\": true,
    \"token\": \"<redacted>\"}" "delete --force"
expect_no_secrets "delete --force"
run --dry-run --url "$URL" delete "$JOB" --token "$JOB_TOKEN"
expect_payload "{\"uuid\": \"$JOB\", \"action\": \"delete\", \"token\": \"<redacted>\"}" \
    "delete without --force"

printf '{"sample": "S-1", "reads": [1, 2]}' >"$WORK/data.json"
run --dry-run --url "$URL" create --pipeline "$PIPELINE" --archive-path /archive/run7 \
    --archive-system data-sd2e --session sess-1 --data "@$WORK/data.json"
expect_rc 0 "create"
expect_post "$URL" "create"
expect_payload "{\"pipeline_uuid\": \"$PIPELINE\", \"archive_path\": \"/archive/run7\",
    \"archive_system\": \"data-sd2e\", \"session\": \"sess-1\",
    \"data\": {\"sample\": \"S-1\", \"reads\": [1, 2]}}" "create"
run_in "$WORK/data.json" --dry-run --url "$URL" create --pipeline "$PIPELINE" \
    --archive-path /a --data -
expect_payload "{\"pipeline_uuid\": \"$PIPELINE\", \"archive_path\": \"/a\",
    \"data\": {\"sample\": \"S-1\", \"reads\": [1, 2]}}" "create with --data from stdin"

# --- --json: one document
PJM_BEARER_TOKEN=$BEARER PJM_NONCE=$NONCE run --json --dry-run --url "$URL" \
    event validate "$JOB" --token "$JOB_TOKEN" --data '{"score": 0.97}'
expect_rc 0 "--json --dry-run"
check
python3 - "$OUT" "$URL" "$JOB" <<'PY' || fail "--json --dry-run is one document with the request"
import json, sys
doc = json.load(open(sys.argv[1]))  # exactly one document: trailing text is an error
# The shape every message-sending command prints, whichever door (docs/json-output.md).
assert set(doc) == {"outcome", "kind", "uuid", "message", "job", "token", "execution_id",
                    "execution", "outbox_id", "outbox", "request"}, doc
assert doc["outcome"] == "would_send" and doc["uuid"] == sys.argv[3], doc
req = doc["request"]
assert req["method"] == "POST", doc
assert req["url"] == sys.argv[2], doc  # with a bearer, the nonce is not used
assert req["headers"] == {"Content-Type": "application/json",
                          "Authorization": "Bearer <redacted>"}, doc
assert req["body"] == {"uuid": sys.argv[3], "name": "validate", "token": "<redacted>",
                       "data": {"score": 0.97}}, doc
PY
expect_no_secrets "--json --dry-run"

# Nothing above opened a database, not even to create it.
expect_no_database "all client-mode dry runs"
check
[ ! -e "$XDG_STATE_HOME/pjm" ] || fail "a dry run wrote to the state folder (outbox)"

# --- --local --dry-run: the message is checked, the database is not changed
setup_job demo '{"n": 1}'
dump=$(db_dump)
sum=$(text_sum "$dump")
# expect_db_same WHAT
expect_db_same() {
    local now
    now=$(db_dump)
    expect_eq "$(text_sum "$now")" "$sum" "$1: checksum of the database dump"
    check
    [ "$now" = "$dump" ] || fail "$1: the database dump changed"
}
run --local --dry-run event run "$JOB" --token "$TOKEN" --data '{"x": 1}'
expect_rc 0 "--local --dry-run event"
expect_out "apply to $PJM_DATABASE (PipelineJobEvent)" "--local --dry-run names the database"
expect_err "the database was not touched" "--local --dry-run says so"
expect_absent "$TOKEN" "--local --dry-run: job token"
expect_db_same "--local --dry-run event"
run --local --dry-run --json create --pipeline "$PIPELINE" --archive-path /a --data '{"n": 9}'
expect_rc 0 "--local --dry-run create"
expect_eq "$(json_field kind)" "PipelineJobCreateAction" "--local --dry-run --json: kind"
expect_eq "$(json_field request.body.data)" '{"n": 9}' "--local --dry-run --json: body"
expect_eq "$(json_field outcome)" "would_apply" "--local --dry-run --json: outcome"
expect_db_same "--local --dry-run create"
run --local --dry-run delete "$JOB" --force --token "$ADMIN"
expect_rc 0 "--local --dry-run delete --force"
expect_absent "$ADMIN" "--local --dry-run: admin token"
expect_db_same "--local --dry-run delete --force"
run --local --dry-run event run "$JOB" --token "$TOKEN" --data '[1]'
expect_rc 3 "--local --dry-run of an invalid message"
expect_err "/data" "--local --dry-run of an invalid message says why"
expect_db_same "--local --dry-run of an invalid message"
run --local --json status "$JOB"
expect_eq "$(json_field state)" "CREATED" "the job is still CREATED after the dry runs"

finish
