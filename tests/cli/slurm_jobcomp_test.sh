#!/usr/bin/env bash
# Slurm's job completion records (docs/integrations.md#slurm) through real HTTP (curl) to pjm
# serve's jobcomp route, on every backend, with the records of tests/fixtures/slurm:
# - the route is closed without --jobcomp-from, and refuses an address not on it;
# - a record finds the PipelineJob whose run entry claimed its Slurm job (the newest claim when
#   an id was used twice; a cluster that differs is another job), and COMPLETED finishes it,
#   FAILED, TIMEOUT and CANCELLED fail it, with the record's facts in the entry (not its
#   script); Elasticsearch's answers: 201 created, 200 for a duplicate, a stale state, a
#   deleted job or a Slurm job no PipelineJob claims (nothing kept);
# - every record again, shuffled, 3 rounds: nothing changes after the first delivery;
# - refusals (not JSON, not a record, no credential) change nothing, and the messages route
#   never takes a record for a message.
# The same route fed by a real slurmctld: slurm_cluster_test.sh.
source "$PJM_TEST_LIB"
command -v curl >/dev/null || { echo "slurm_jobcomp_test: curl is not installed" >&2; exit 1; }
FIXTURES=$(cd "$(dirname "$PJM_TEST_LIB")/../fixtures/slurm" && pwd)

NONCE=slurm-n0nce-$RANDOM$RANDOM$RANDOM
ACTOR=pjmslurm
printf '%s\n' "$NONCE" >"$WORK/nonces"
setup_job slurm '{"n": 0}'
PIPELINE_UUID=$PIPELINE

record() { # record FIXTURE JOBID [KEY=JSON…] : the fixture with its jobid (and keys) replaced
    python3 - "$FIXTURES/$1.json" "$2" "${@:3}" >"$WORK/record.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["jobid"] = int(sys.argv[2])
for kv in sys.argv[3:]:
    k, v = kv.split("=", 1)
    d[k] = json.loads(v)
print(json.dumps(d))
PY
}
post() { # post URL : the record to URL; reply in $OUT, status in $CODE
    CODE=$(curl -s -o "$OUT" -w '%{http_code}' -H 'Content-Type: application/json' \
        --data-binary @"$WORK/record.json" "$1" 2>"$ERR")
}
JOBCOMP() { echo "$URL/jobcomp/slurm/_doc?x-nonce=$NONCE"; }
new_job() { # new_job N SLURM_JOB_ID [CLUSTER] : a RUNNING job claiming that Slurm job; sets J
    run --local --json create --pipeline "$PIPELINE_UUID" --archive-path /archive/s --data "{\"n\": $1}"
    [ "$RC" -eq 0 ] || { cat "$ERR" >&2; exit 1; }
    J=$(json_field uuid)
    local t
    t=$(json_field token)
    local cluster=${3:+, \"cluster\": \"$3\"}
    run --local event run "$J" --token "$t" \
        --data "{\"scheduler\": {\"name\": \"slurm\", \"job_id\": \"$2\"$cluster}}"
    [ "$RC" -eq 0 ] || { cat "$ERR" >&2; exit 1; }
}
history_of() {
    "$PJM" --local --json status "$1" |
        python3 -c 'import json,sys; print(" ".join(e["name"] for e in json.load(sys.stdin)["history"]))'
}
state_of() { "$PJM" --local --json status "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["state"])'; }
jobs_sum() { # every job with its history: the export, without its first line (its time)
    "$PJM" --local export | tail -n +2 | sha256sum | cut -d" " -f1
}

# --- the route is closed unless --jobcomp-from names the sender
start_server --nonce-file "$WORK/nonces"
record completed 1
post "$(JOBCOMP)"
expect_eq "$CODE" 404 "no --jobcomp-from: the route is closed"
grep -q -- "--jobcomp-from" "$OUT" || fail "the refusal does not say how to open the route: $(cat "$OUT")"
check
stop_server
start_server --nonce-file "$WORK/nonces" --jobcomp-from 192.0.2.7
post "$(JOBCOMP)"
expect_eq "$CODE" 403 "a sender not on --jobcomp-from"
grep -q "127.0.0.1" "$OUT" || fail "the refusal does not name the sender: $(cat "$OUT")"
check
stop_server
start_server --nonce-file "$WORK/nonces" --jobcomp-from 192.0.2.7 --jobcomp-from 127.0.0.1

# --- each state on the job that claimed the Slurm job
n=1
declare -A JOB_OF
for case in "completed|4001|finish|FINISHED" "failed|4002|fail|FAILED" \
    "cancelled|4003|fail|FAILED" "timeout|4004|fail|FAILED"; do
    IFS='|' read -r fixture slurm_id event state <<<"$case"
    new_job "$n" "$slurm_id" pjmtest
    n=$((n + 1))
    JOB_OF[$fixture]=$J
    record "$fixture" "$slurm_id"
    post "$(JOBCOMP)"
    expect_eq "$CODE" 201 "$fixture: created, as Elasticsearch answers"
    expect_eq "$(json_field result)" created "$fixture: result"
    expect_eq "$(json_field pjm.job)" "$J" "$fixture: the claiming job"
    expect_eq "$(state_of "$J")" "$state" "$fixture: the job is $state"
    expect_eq "$(history_of "$J")" "create run $event" "$fixture: one $event entry"
    "$PJM" --local --json status "$J" >"$OUT"
    python3 - "$OUT" "$slurm_id" "$(tr a-z A-Z <<<"$fixture")" <<'PY' || fail "$fixture: the entry's data"
import json, sys
d = json.load(open(sys.argv[1]))["history"][-1]["data"]["slurm"]
assert d["jobid"] == int(sys.argv[2]) and d["state"] == sys.argv[3], d
assert "script" not in d and "exit_code" in d and "@end" in d, d
PY
    check
done

# --- again: a duplicate; another state after the end: stale
record completed 4001
post "$(JOBCOMP)"
expect_eq "$CODE" 200 "the same record again: 200"
expect_eq "$(json_field pjm.disposition)" duplicate "the same record again: a duplicate"
record failed 4001 '@end="2026-12-03T00:09:00"'
post "$(JOBCOMP)"
expect_eq "$CODE" 200 "FAILED after COMPLETED: 200"
expect_eq "$(json_field pjm.disposition)" stale "FAILED after COMPLETED: stale"
expect_eq "$(history_of "${JOB_OF[completed]}")" "create run finish" "nothing changed"

# --- claims: the newest claim of an id used twice; another cluster is another job; no claim
new_job 20 5000 pjmtest
OLD=$J
new_job 21 5000 pjmtest
NEW=$J
record failed 5000
post "$(JOBCOMP)"
expect_eq "$(json_field pjm.job)" "$NEW" "an id claimed twice: the newest claim"
expect_eq "$(state_of "$OLD")" RUNNING "an id claimed twice: the older job did not move"
new_job 22 5001 elsewhere
OTHER=$J
record timeout 5001
post "$(JOBCOMP)"
expect_eq "$CODE" 200 "another cluster's job: 200"
expect_eq "$(json_field pjm.disposition)" unclaimed "another cluster's job: unclaimed"
expect_eq "$(state_of "$OTHER")" RUNNING "another cluster's job: the job did not move"
record completed 5001
post "$(JOBCOMP)"
expect_eq "$(json_field pjm.job)" "$OTHER" "a record without a cluster matches the claim"
before=$(jobs_sum)
record completed 999999
post "$(JOBCOMP)"
expect_eq "$CODE" 200 "a Slurm job no PipelineJob claims: 200"
expect_eq "$(json_field result)" noop "a Slurm job no PipelineJob claims: noop"
expect_eq "$(json_field pjm.disposition)" unclaimed "a Slurm job no PipelineJob claims: unclaimed"
expect_eq "$(jobs_sum)" "$before" "a Slurm job no PipelineJob claims: no job changed"

# --- a deleted job takes no record
new_job 23 5002
run --local delete "$J" --token "$ADMIN"
record failed 5002
post "$(JOBCOMP)"
expect_eq "$CODE" 200 "a deleted job: 200"
expect_eq "$(json_field pjm.disposition)" stale "a deleted job: stale"

# --- every record again, shuffled, 3 rounds: nothing changes
before=$(jobs_sum)
for round in 1 2 3; do
    for line in $(printf '%s\n' completed:4001 failed:4002 cancelled:4003 timeout:4004 \
        failed:5000 completed:5001 completed:999999 | shuf); do
        record "${line%%:*}" "${line##*:}"
        post "$(JOBCOMP)"
        expect_eq "$CODE" 200 "round $round, $line: 200"
    done
done
expect_eq "$(jobs_sum)" "$before" "replayed records changed nothing"

# --- refusals change nothing
before=$(jobs_sum)
bad() { # bad CODE TEXT WHAT BODY [URL]
    printf '%s' "$4" >"$WORK/record.json"
    post "${5:-$(JOBCOMP)}"
    expect_eq "$CODE" "$1" "$3"
    grep -q -- "$2" "$OUT" || fail "$3: the reply does not say '$2': $(cat "$OUT")"
    check
}
bad 400 "not valid JSON\|invalid JSON\|JSON" "not JSON" '{"jobid": 4001, "state": '
bad 400 "not a valid SlurmJobcomp" "no state" '{"jobid": 4001}'
bad 400 "not a valid SlurmJobcomp" "a job id that is text" '{"jobid": "4001", "state": "FAILED"}'
bad 400 "not a valid SlurmJobcomp" "a state that is no Slurm state" '{"jobid": 4001, "state": "failed!"}'
bad 401 "no credentials" "no credential" '{"jobid": 4002, "state": "COMPLETED"}' "$URL/jobcomp/slurm/_doc"
record completed 4002
post "$URL/messages?x-nonce=$NONCE"
expect_eq "$CODE" 400 "a record sent to the messages route is no message"
expect_eq "$(jobs_sum)" "$before" "refusals changed nothing"

finish
