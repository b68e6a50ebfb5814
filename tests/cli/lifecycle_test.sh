#!/usr/bin/env bash
# A job walked create → run → finish → validate → validated → finalize in local mode,
# with its history checked in the JSON output and in the database itself.
source "$PJM_TEST_LIB"

setup_job demo '{"sample": 7, "ratio": 0.1}'
expect_eq "${JOB:0:3}" "107" "job UUID is typed 107"
expect_eq "${#TOKEN}" "16" "job token has 16 characters"

# The same pipeline and data give the same UUID (docs/protocol.md#identifiers): a second
# create is a conflict.
run --local create --pipeline "$PIPELINE" --archive-path /elsewhere --data '{"ratio": 0.1, "sample": 7}'
expect_rc 6 "creating the same job twice"
expect_err "$JOB" "conflict names the job"

for event in run finish validate validated finalize; do
    run --local event "$event" "$JOB" --token "$TOKEN" --data "{\"step\": \"$event\"}"
    expect_rc 0 "event $event"
done

run --local --json status "$JOB"
expect_rc 0 "status"
expect_eq "$(json_field state)" "FINALIZED" "final state"
expect_eq "$(json_field last_event)" "finalize" "last_event"
expect_eq "$(json_field history.0.name)" "create" "first history entry"
expect_eq "$(json_field history.5.name)" "finalize" "sixth history entry"
expect_eq "$(json_field history.2.data)" '{"step": "finish"}' "data of the finish entry"
check
grep -q '"salt"' "$OUT" && fail "status must never show the salt"

# The database agrees: six events after create, in order, one row each.
expect_eq "$(db_query "SELECT name FROM history WHERE job_uuid='$JOB' ORDER BY seq" | paste -sd,)" \
    "create,run,finish,validate,validated,finalize" "history rows in the database"
expect_eq "$(db_query "SELECT state FROM jobs WHERE uuid='$JOB'")" "FINALIZED" "state column"

# Environment defaults: PJM_JOB_UUID and PJM_TOKEN stand in for the arguments.
setup_job second '{"n": 2}'
PJM_JOB_UUID=$JOB PJM_TOKEN=$TOKEN run --local event run
expect_rc 0 "event from PJM_JOB_UUID/PJM_TOKEN"
PJM_JOB_UUID=$JOB run --local --json status
expect_eq "$(json_field state)" "RUNNING" "state after env-driven event"

finish
