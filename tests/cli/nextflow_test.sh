#!/usr/bin/env bash
# Nextflow's weblog (docs/integrations.md#nextflow) through real HTTP (curl) to pjm serve, on
# every backend, as `nextflow run -with-weblog URL` sends it: Basic credentials (the bearer
# token as the password, weblog.basicToken), the job's uuid and token in the URL, the bodies of
# tests/fixtures/nextflow.
# - a successful run: started -> run, completed -> finish with the task counts; task events
#   acknowledged (200, disposition omitted) and not kept;
# - a failed run: the failed task and the error kept as updates, completed -> fail;
# - tasks=all keeps every task event;
# - each sequence replayed (every event 3 times) and shuffled: every reply 200, the job ends
#   where Nextflow says, no event twice in the history;
# - refusals (bad body, foreign body, wrong credentials, wrong token) change nothing.
source "$PJM_TEST_LIB"
command -v curl >/dev/null || { echo "nextflow_test: curl is not installed" >&2; exit 1; }
FIXTURES=$(cd "$(dirname "$PJM_TEST_LIB")/../fixtures/nextflow" && pwd)

BEARER=nf-bearer-$RANDOM$RANDOM$RANDOM
ACTOR=pjmnextflow
printf '%s\n' "$BEARER" >"$WORK/bearers"
setup_job nf '{"n": 0}'
PIPELINE_UUID=$PIPELINE
start_server --bearer-file "$WORK/bearers"

# new_job N : a fresh job; sets J and T.
new_job() {
    run --local --json create --pipeline "$PIPELINE_UUID" --archive-path /archive/nf --data "{\"n\": $1}"
    [ "$RC" -eq 0 ] || { cat "$ERR" >&2; exit 1; }
    J=$(json_field uuid)
    T=$(json_field token)
}

# weblog FIXTURE JOB TOKEN [QUERY] [USER:PASSWORD] : POSTs a fixture as Nextflow does; the reply
# in $OUT, its status in $CODE.
weblog() {
    CODE=$(curl -s -o "$OUT" -w '%{http_code}' -u "${5:-nextflow:$BEARER}" \
        -H 'Content-Type: application/json' --data-binary @"$FIXTURES/$1.json" \
        "$URL/messages?uuid=$2&token=$3${4:-}" 2>"$ERR")
}

# history_of JOB : "name name …" of the job's history.
history_of() {
    "$PJM" --local --json status "$1" --history 1000 |
        python3 -c 'import json,sys; print(" ".join(e["name"] for e in json.load(sys.stdin)["history"]))'
}
state_of() {
    "$PJM" --local --json status "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["state"])'
}

# --- a successful run, in order
new_job 1
for f in started process_submitted process_started process_completed completed; do
    weblog "$f" "$J" "$T"
    expect_eq "$CODE" 200 "successful run: $f answered"
    check
done
weblog completed "$J" "$T"
expect_eq "$(json_field result.disposition)" duplicate "completed sent again is a duplicate"
expect_eq "$(history_of "$J")" "create run finish" "… and changes nothing"
check
new_job 11
weblog started "$J" "$T" && weblog process_completed "$J" "$T"
expect_eq "$(json_field result.applied)" false "a task that did not fail is not applied"
expect_eq "$(json_field result.disposition)" omitted "… its disposition says why"
expect_eq "$(json_field result.kind)" NextflowWeblog "… and the kind is Nextflow's"
check
new_job 12
for f in started process_submitted process_started process_completed completed; do weblog "$f" "$J" "$T"; done
expect_eq "$(history_of "$J")" "create run finish" "successful run: run and finish only"
expect_eq "$(state_of "$J")" FINISHED "successful run: FINISHED"
"$PJM" --local --json status "$J" >"$OUT"
expect_eq "$(json_field history.2.data.workflow.tasks.succeedCount)" 2 "finish keeps Nextflow's task counts"
expect_eq "$(json_field history.1.data.nextflow.runName)" friendly_pesquet "run keeps the run's name"
expect_eq "$(json_field history.1.data.workflow.commitId)" 4bcced898ee23600bd8c249ff085f8f88db90e7c "run keeps the commit"
check
# The executions keep every event, the task events included.
EXECUTIONS=$(db_query "SELECT count(*) FROM executions WHERE job_uuid = '$J'")
expect_eq "$EXECUTIONS" 5 "every weblog event is an execution"
check

# --- a failed run, in order
new_job 2
for f in started process_completed process_failed error completed_failed; do
    weblog "$f" "$J" "$T"
    expect_eq "$CODE" 200 "failed run: $f answered"
    check
done
expect_eq "$(history_of "$J")" "create run update update fail" "failed run: the failed task, the error, fail"
expect_eq "$(state_of "$J")" FAILED "failed run: FAILED"
"$PJM" --local --json status "$J" >"$OUT"
expect_eq "$(json_field history.2.data.task.status)" FAILED "the failed task is kept"
expect_eq "$(json_field history.2.data.task.exit)" 137 "… with its exit status"
expect_eq "$(json_field history.3.data.nextflow.event)" error "the error is kept"
expect_eq "$(json_field history.4.data.workflow.errorMessage)" \
    'Process `ALIGN (sample2)` terminated with an error exit status (137)' "fail says why"
check

# --- tasks=all keeps every task event; tasks=none none (the error still)
new_job 3
for f in started process_submitted process_started process_completed completed; do weblog "$f" "$J" "$T" "&tasks=all"; done
expect_eq "$(history_of "$J")" "create run update update update finish" "tasks=all keeps every task event"
check
new_job 4
for f in started process_failed error completed_failed; do weblog "$f" "$J" "$T" "&tasks=none"; done
expect_eq "$(history_of "$J")" "create run update fail" "tasks=none keeps the error only"
check

# --- replayed and shuffled: each event 3 times, in any order
replay() { # replay SEQUENCE_NAME EXPECTED_STATE FIRST_JOB_NUMBER FIXTURES…
    local name=$1 want=$2 first=$3 round
    shift 3
    for round in 1 2 3 4; do
        new_job "$((first + round))"
        local f codes=""
        for f in $(for f in "$@" "$@" "$@"; do echo "$f"; done | shuf); do
            weblog "$f" "$J" "$T"
            codes="$codes$CODE "
        done
        expect_eq "$(echo "$codes" | tr ' ' '\n' | sort -u | tr -d '\n')" 200 "$name round $round: every reply 200"
        expect_eq "$(state_of "$J")" "$want" "$name round $round: the job ends $want"
        whole_status "$J" >"$WORK/replayed.json"
        # (A fail that comes first moves the job from CREATED: its run is then stale. A finish
        # that comes first has its lost run inferred.)
        python3 - "$WORK/replayed.json" "$want" <<'PY' || fail "$name round $round: history"
import collections, json, sys
doc = json.load(open(sys.argv[1]))
names = collections.Counter(e["name"] for e in doc["history"])
assert names["create"] == 1 and names["run"] <= 1, names
assert names["run"] == 1 or sys.argv[2] == "FAILED", names
assert names["finish"] + names["fail"] == 1, names
seen = collections.Counter()
for e in doc["history"]:
    nf = e["data"].get("nextflow")
    if nf:
        seen[(nf["event"], json.dumps(e["data"].get("task", {}).get("task_id")))] += 1
assert all(n == 1 for n in seen.values()), seen
PY
        check
    done
}
replay "successful run" FINISHED 100 started process_submitted process_started process_completed completed
replay "failed run" FAILED 200 started process_completed process_failed error completed_failed

# --- the job-creating mode: the URL names a pipeline; each run is a job made by its first event
run_fixture() { # run_fixture FIXTURE RUN_ID RUN_NAME : the fixture as that run's, in $WORK/run.json
    python3 - "$FIXTURES/$1.json" "$2" "$3" >"$WORK/run-$1.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["runId"], d["runName"] = sys.argv[2], sys.argv[3]
print(json.dumps(d))
PY
}
by_pipeline() { # by_pipeline FIXTURE RUN_ID RUN_NAME [QUERY] : sent with ?pipeline=
    run_fixture "$1" "$2" "$3"
    CODE=$(curl -s -o "$OUT" -w '%{http_code}' -u "nextflow:$BEARER" -H 'Content-Type: application/json' \
        --data-binary @"$WORK/run-$1.json" "$URL/messages?pipeline=$PIPELINE_UUID${4:-}" 2>"$ERR")
}
job_count() { "$PJM" --local --json list --pipeline "$PIPELINE_UUID" --limit 1000 |
    python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'; }
before=$(job_count)
by_pipeline started run-a1 brave_turing
expect_eq "$CODE" 200 "job-creating mode: started answered"
expect_eq "$(json_field result.applied)" true "job-creating mode: applied"
grep -q "the job was created for it" "$OUT" || fail "the reply does not say the job was created: $(head -c 400 "$OUT")"
check
NJ=$(json_field result.job.uuid)
expect_eq "$(job_count)" $((before + 1)) "job-creating mode: one job made"
expect_eq "$(history_of "$NJ")" "create run" "job-creating mode: create, then run"
"$PJM" --local --json status "$NJ" >"$OUT"
expect_eq "$(json_field data.nextflow.runId)" run-a1 "the job's data names the run"
expect_eq "$(json_field archive_path)" "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["metadata"]["workflow"]["workDir"])' "$FIXTURES/started.json")" \
    "the archive path is the run's work folder"
for fixture in process_completed process_failed error completed_failed; do
    by_pipeline "$fixture" run-a1 brave_turing
    expect_eq "$CODE" 200 "job-creating mode: $fixture answered"
done
expect_eq "$(state_of "$NJ")" FAILED "job-creating mode: the run failed"
expect_eq "$(job_count)" $((before + 1)) "job-creating mode: the run's events found its job"
# The job's UUID is pjm create's for that pipeline and data.
run --local --json create --pipeline "$PIPELINE_UUID" --archive-path /x \
    --data '{"nextflow": {"runId": "run-a1", "runName": "brave_turing"}}'
expect_rc 6 "pjm create of the same pipeline and data: the job exists"
expect_err "$NJ" "pjm create names the same job"
# A resumed run (same id, new name) is a new job; a run whose started was lost is made by its
# completed, with run inferred.
by_pipeline completed run-a1 clever_hopper "&archive_path=/archive/resumed"
RJ=$(json_field result.job.uuid)
expect_eq "$(history_of "$RJ")" "create run finish" "a lost started: run inferred"
"$PJM" --local --json status "$RJ" >"$OUT"
expect_eq "$(json_field archive_path)" /archive/resumed "the URL's archive_path"
expect_eq "$(job_count)" $((before + 2)) "a resumed run is a job of its own"
# The same started from 4 connections at once, then the run replayed shuffled: one job.
run_fixture started run-b2 eager_curie
for i in 1 2 3 4; do
    curl -s -o /dev/null -w '%{http_code}\n' -u "nextflow:$BEARER" -H 'Content-Type: application/json' \
        --data-binary @"$WORK/run-started.json" "$URL/messages?pipeline=$PIPELINE_UUID" >"$WORK/nfcode-$i" &
    nf_pids="${nf_pids:-} $!"
done
# shellcheck disable=SC2086 # one word per pid
wait $nf_pids # not a bare wait: the server runs in the background too
expect_eq "$(cat "$WORK"/nfcode-* | sort -u | tr -d '\n')" 200 "started at once: all answered 200"
for round in 1 2 3; do
    for fixture in $(printf '%s\n' started process_submitted process_started process_completed completed | shuf); do
        by_pipeline "$fixture" run-b2 eager_curie
        expect_eq "$CODE" 200 "round $round, $fixture: answered"
    done
done
expect_eq "$(job_count)" $((before + 3)) "run b2: one job, whatever the order"
by_pipeline started run-b2 eager_curie
BJ=$(json_field result.job.uuid)
expect_eq "$(history_of "$BJ")" "create run finish" "run b2: each event once"
# Refusals: no pipeline of that UUID, not a pipeline UUID, a pipeline and a job at once.
before=$(job_count)
by_pipeline started run-c3 lone_wolf
run_fixture started run-c3 lone_wolf
CODE=$(curl -s -o "$OUT" -w '%{http_code}' -u "nextflow:$BEARER" --data-binary @"$WORK/run-started.json" \
    "$URL/messages?pipeline=10600000-0000-5000-8000-00000000beef")
expect_eq "$CODE" 404 "an unknown pipeline"
grep -q "pipeline list" "$OUT" || fail "the refusal does not say where pipelines are: $(head -c 300 "$OUT")"
check
CODE=$(curl -s -o "$OUT" -w '%{http_code}' -u "nextflow:$BEARER" --data-binary @"$WORK/run-started.json" \
    "$URL/messages?pipeline=align")
expect_eq "$CODE" 400 "a pipeline that is not a UUID"
CODE=$(curl -s -o "$OUT" -w '%{http_code}' -u "nextflow:$BEARER" --data-binary @"$WORK/run-started.json" \
    "$URL/messages?pipeline=$PIPELINE_UUID&uuid=$NJ")
expect_eq "$CODE" 400 "a pipeline and a job at once"
CODE=$(curl -s -o "$OUT" -w '%{http_code}' --data-binary @"$WORK/run-started.json" \
    "$URL/messages?pipeline=$PIPELINE_UUID")
expect_eq "$CODE" 401 "no credentials"
expect_eq "$(job_count)" $((before + 1)) "refusals made no job"

# --- refusals change nothing
new_job 5
weblog started "$J" "$T"
BEFORE=$(history_of "$J")
bad() { # bad EXPECTED_CODE TEXT WHAT CURL_ARGS…
    local want=$1 text=$2 what=$3
    shift 3
    CODE=$(curl -s -o "$OUT" -w '%{http_code}' "$@" 2>"$ERR")
    expect_eq "$CODE" "$want" "$what"
    grep -q -- "$text" "$OUT" || fail "$what: the reply does not say '$text': $(cat "$OUT")"
    expect_eq "$(history_of "$J")" "$BEFORE" "$what: nothing changed"
    check
}
Q="$URL/messages?uuid=$J&token=$T"
bad 400 "not a valid NextflowWeblog" "an unknown Nextflow event" -u "nextflow:$BEARER" \
    -d '{"runName": "r", "runId": "i", "event": "paused"}' "$Q"
bad 400 "says whether the run succeeded" "completed without success" -u "nextflow:$BEARER" \
    -d '{"runName": "r", "runId": "i", "event": "completed", "metadata": {"workflow": {}}}' "$Q"
bad 400 "URL parameter tasks" "an unknown tasks mode" -u "nextflow:$BEARER" \
    --data-binary @"$FIXTURES/completed.json" "$Q&tasks=everything"
bad 400 "not a valid" "a foreign body" -u "nextflow:$BEARER" -d '{"hello": "world"}' "$Q"
bad 401 "unknown bearer token" "Basic credentials with a wrong password" -u "nextflow:x$BEARER" \
    --data-binary @"$FIXTURES/completed.json" "$Q"
bad 401 "no credentials" "no credentials" --data-binary @"$FIXTURES/completed.json" "$Q"
bad 403 "token refused" "a wrong job token" -u "nextflow:$BEARER" \
    --data-binary @"$FIXTURES/completed.json" "$URL/messages?uuid=$J&token=$TOKEN"
OTHER=${J%?}$([ "${J: -1}" = f ] && echo e || echo f)
bad 404 "" "an unknown job" -u "nextflow:$BEARER" --data-binary @"$FIXTURES/completed.json" \
    "$URL/messages?uuid=$OTHER&token=$T"

finish
