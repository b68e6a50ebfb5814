#!/usr/bin/env bash
# Where queued messages go (docs/protocol.md#outbox), against a real pjm serve:
# - messages queued for a mistyped URL (PJM_URL) reach the manager configured later, in order,
#   by the job's next event or by `outbox flush`;
# - a message queued with --url on its command line is pinned: a flush to another manager
#   leaves it and says so, `flush --url` sends it;
# - `outbox list --json` and `outbox show` say where each goes, `show` with tokens redacted;
# - `flush --job`, `drop --job`, `drop --all`, and their refusals.
# pjm-test: one backend (the outbox is the client's; the manager's database is incidental)
source "$PJM_TEST_LIB"
command -v curl >/dev/null || { echo "outbox_targets_test: curl is not installed" >&2; exit 1; }
ACTOR=pjm
setup_job demo '{"n": 1}'
JOB1=$JOB TOKEN1=$TOKEN
run --local --json create --pipeline "$PIPELINE" --archive-path /a2 --data '{"n": 2}'
JOB2=$(json_field uuid) TOKEN2=$(json_field token)
start_server --no-auth
GOOD=$URL/messages
DOWN=http://127.0.0.1:9/actors/v2/pjm/messages # a mistyped port: nothing listens there
export PJM_RETRIES=0
history_of() { db_query "SELECT name FROM history WHERE job_uuid = '$1' ORDER BY seq" | paste -sd, -; }

# --- a mistyped PJM_URL: queued, unpinned; the job's next event with the right URL sends them
PJM_URL=$DOWN run event run "$JOB1" --token "$TOKEN1"
expect_rc 75 "run to a mistyped URL is queued"
PJM_URL=$DOWN run event update "$JOB1" --token "$TOKEN1" --data '{"step": 1}'
expect_rc 75 "the next event queues behind it"
run --json outbox list
expect_eq "$(json_field messages.0.pinned)" false "queued from PJM_URL: not pinned"
check
grep -q '127.0.0.1:9/' "$OUT" || fail "outbox list --json does not show the URL it was queued for"
ID=$(json_field messages.0.id)
PJM_URL=$GOOD run outbox show "$ID"
expect_rc 0 "outbox show"
expect_out "$GOOD" "outbox show says where a flush sends it now"
expect_out "<redacted>" "outbox show redacts the token"
expect_absent "$TOKEN1" "outbox show never prints the job token"
PJM_URL=$GOOD run event update "$JOB1" --token "$TOKEN1" --data '{"step": 2}'
expect_rc 0 "with the URL fixed, the next event goes, after the queued ones"
expect_eq "$(history_of "$JOB1")" "create,run,update,update" "the queued run and update went first, in order"
run --json outbox list
expect_eq "$(json_field messages)" "[]" "the outbox is empty"

# --- the same through outbox flush
PJM_URL=$DOWN run event update "$JOB2" --token "$TOKEN2"
expect_rc 75 "queued for JOB2"
PJM_URL=$GOOD run outbox flush
expect_rc 0 "outbox flush with the fixed URL delivers what was queued for the mistyped one"
expect_eq "$(history_of "$JOB2")" "create,update" "delivered to the configured manager"

# --- pinned: queued with --url on the command line
run --url "$DOWN" event update "$JOB2" --token "$TOKEN2"
expect_rc 75 "queued with --url"
run --json outbox list
expect_eq "$(json_field messages.0.pinned)" true "queued with --url: pinned"
PJM_URL=$GOOD run outbox flush
expect_rc 75 "a pinned message is not sent to another manager"
expect_err "pinned to another manager" "the flush says why it stays"
expect_eq "$(history_of "$JOB2")" "create,update" "nothing delivered"
run outbox flush --url "$GOOD"
expect_rc 0 "flush --url sends pinned ones too"
expect_eq "$(history_of "$JOB2")" "create,update,update" "the pinned one delivered"

# --- flush --job, drop --job, drop --all
PJM_URL=$DOWN run event update "$JOB1" --token "$TOKEN1"
PJM_URL=$DOWN run event update "$JOB2" --token "$TOKEN2"
PJM_URL=$DOWN run event update "$JOB2" --token "$TOKEN2"
PJM_URL=$GOOD run outbox flush --job "$JOB2"
expect_rc 0 "flush --job sends that job's messages"
expect_eq "$(history_of "$JOB2")" "create,update,update,update,update" "JOB2's two went"
run --json outbox list
expect_eq "$(json_field messages.0.job)" "$JOB1" "JOB1's message stays"
run outbox drop --job "$JOB1"
expect_rc 0 "drop --job"
expect_out "dropped 1 message(s) of job $JOB1" "drop --job says how many"
PJM_URL=$DOWN run event update "$JOB1" --token "$TOKEN1"
PJM_URL=$DOWN run event update "$JOB2" --token "$TOKEN2"
run --json outbox drop --all
expect_rc 0 "drop --all"
expect_eq "$(json_field dropped | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" 2 "drop --all dropped both"
run outbox drop
expect_rc 2 "drop without an id, --job or --all"
run outbox drop --all --job "$JOB1"
expect_rc 2 "drop with two selections"
run outbox drop 0000000000000000-deadbeef
expect_rc 4 "drop of an unknown id"
run outbox show 0000000000000000-deadbeef
expect_rc 4 "show of an unknown id"
expect_eq "$(history_of "$JOB1")" "create,run,update,update" "dropped messages never went"

finish
