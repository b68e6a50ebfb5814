#!/usr/bin/env bash
# First contact: what a person types for jobs, pipelines, tokens and numbers. Mistakes are
# usage errors (exit 2) that name the flag and what it takes, never schema internals, and
# change nothing; setup is idempotent; jobs are named by any-case UUIDs or unambiguous
# prefixes, pipelines by name (docs/protocol.md#naming-jobs-and-pipelines-on-the-command-line).
source "$PJM_TEST_LIB"

setup_job demo '{"n": 1}'
BEFORE=$(db_sum)

# --- a token that cannot be one: exit 2, the flag named, the value not echoed (a secret)
run --local event run "$JOB" --token x
expect_rc 2 "--token x"
expect_err "--token must be the job's token" "--token x"
expect_err "not 1 characters" "--token x"
expect_absent "pattern" "--token x (no schema text)"
expect_absent "/uuid" "--token x (no schema text)"
PJM_TOKEN=abcdefabcdefabcdefabcdef run --local event run "$JOB"
expect_rc 2 "PJM_TOKEN too long"
expect_err "PJM_TOKEN must be" "PJM_TOKEN too long"
expect_absent "abcdefabcdef" "the bad token is not printed"
run --url http://127.0.0.1:9/actors/v2/a/messages event run "$JOB" --token short --dry-run
expect_rc 2 "--token short in client mode, even with --dry-run"

# --- numbers: checked where they are read, whatever the mode; typed in --help
run --local --retries abc list
expect_rc 2 "--retries abc in local mode"
expect_err "retries must be a whole number from 0 to 100, not 'abc' (flag --retries)" "--retries abc"
PJM_TIMEOUT=soon run --local list
expect_rc 2 "PJM_TIMEOUT=soon"
expect_err "timeout must be a number of seconds" "PJM_TIMEOUT=soon"
expect_err "env PJM_TIMEOUT" "PJM_TIMEOUT=soon names its source"
PJM_LOCAL=maybe run list
expect_rc 2 "PJM_LOCAL=maybe"
run --local list --limit 0
expect_rc 2 "--limit 0"
expect_err "limit must be a whole number from 1 to 10000" "--limit 0"
expect_absent "1797" "--limit 0 (no range of a double)"
run --local list --limit abc
expect_rc 2 "--limit abc"
run --help
for typed in "--retries N" "--timeout SECONDS" "--connect-timeout SECONDS" \
    "--retry-max-time SECONDS" "--url URL" "--db PATH|URL" "--outbox DIR" "--wait-timeout"; do
    expect_out "$typed" "pjm --help shows $typed"
done
check
! grep -E -- '--(retries|timeout|connect-timeout|retry-max-time|wait-timeout) TEXT' "$OUT" >/dev/null ||
    fail "a numeric option is shown as TEXT in pjm --help"
expect_eq "$(db_sum)" "$BEFORE" "refused arguments changed nothing"

# --- pipeline add is idempotent; a different definition under the same UUID is a conflict
run --local pipeline add --name demo
expect_rc 0 "pipeline add again"
expect_eq "$(cat "$OUT")" "$PIPELINE" "the same UUID again"
run --local pipeline add --name demo --description "something else"
expect_rc 6 "same name, other description"
expect_err "already registered" "same name, other description"
expect_eq "$(db_query "SELECT count(*) FROM pipelines")" "1" "still one pipeline"
P2=$("$PJM" --local pipeline add --name demo2 --description two)
run --local pipeline add --name demo2 --description two
expect_eq "$(cat "$OUT")" "$P2" "idempotent with a description"

# --- a pipeline by name wherever its UUID is accepted
run --local --json create --pipeline demo2 --archive-path /x --data '{"n": 2}'
expect_rc 0 "create --pipeline NAME"
expect_eq "$(json_field job.pipeline_uuid)" "$P2" "create by name uses that pipeline"
JOB2=$(json_field uuid)
run --local --json list --pipeline demo2
expect_rc 0 "list --pipeline NAME"
expect_out "$JOB2" "list --pipeline NAME shows its job"
expect_absent "$JOB\"" "list --pipeline NAME hides other pipelines' jobs"
run --local create --pipeline nosuch --archive-path /x
expect_rc 4 "an unknown pipeline name"
expect_err "no pipeline is named 'nosuch'" "an unknown pipeline name"
# Client mode cannot look names up: the name gives the UUID pipeline add derives from it.
run --url http://127.0.0.1:9/actors/v2/a/messages --dry-run create --pipeline demo --archive-path /x
expect_rc 0 "client create --pipeline NAME (dry run)"
expect_out "$PIPELINE" "the derived UUID is sent"

# --- jobs by any case and by unambiguous prefix (local mode)
UPPER=$(echo "$JOB" | tr a-f A-F)
run --local --json status "$UPPER"
expect_rc 0 "status with an uppercase UUID"
expect_eq "$(json_field uuid)" "$JOB" "uppercase UUID names the job"
run --local --json status "${JOB:0:10}"
expect_rc 0 "status with a prefix"
expect_eq "$(json_field uuid)" "$JOB" "the prefix names the job"
run --local event run "${JOB:0:13}" --token "$TOKEN"
expect_rc 0 "event with a prefix"
expect_eq "$(db_query "SELECT state FROM jobs WHERE uuid = '$JOB'")" "RUNNING" "event by prefix applied"
PJM_JOB_UUID=$UPPER run --local --json status
expect_eq "$(json_field uuid)" "$JOB" "PJM_JOB_UUID in uppercase"
run --local status 107ab
expect_rc 3 "too short for a prefix: not a job UUID"
expect_err "'107ab' is not a job UUID" "too short for a prefix"
run --local status 107fffff-ffff
expect_rc 4 "a prefix no job has"
expect_err "no job's UUID starts with '107fffff-ffff'" "a prefix no job has"
run --local status not-a-job
expect_rc 3 "not a UUID at all"
# Two jobs sharing their first 24 characters (a copy of the row under another UUID): the
# shared prefix is ambiguous and both are listed; one more character decides.
TWIN="${JOB:0:24}000000000000"
[ "$TWIN" != "$JOB" ] || TWIN="${JOB:0:24}111111111111"
db_query "CREATE TEMP TABLE twin AS SELECT * FROM jobs WHERE uuid = '$JOB';
          UPDATE twin SET uuid = '$TWIN'; INSERT INTO jobs SELECT * FROM twin;" >/dev/null
run --local status "${JOB:0:24}"
expect_rc 2 "an ambiguous prefix"
expect_err "is ambiguous" "an ambiguous prefix"
expect_err "$JOB" "the ambiguous prefix lists the job"
expect_err "$TWIN" "the ambiguous prefix lists its twin"
run --local --json status "${JOB:0:25}"
expect_eq "$(json_field uuid)" "$JOB" "one more character is enough"
# Client mode sends full UUIDs only (lowercased); a prefix is a usage error before sending.
run --url http://127.0.0.1:9/actors/v2/a/messages --dry-run event run "$UPPER" --token "$TOKEN"
expect_rc 0 "client event with an uppercase UUID"
expect_out "\"uuid\": \"$JOB\"" "the UUID is sent lowercased"
run --url http://127.0.0.1:9/actors/v2/a/messages --dry-run event run "${JOB:0:10}" --token "$TOKEN"
expect_rc 2 "client event with a prefix"
expect_err "with --local only" "client event with a prefix"

# --- create --help explains the derived job UUID
run create --help
expect_out "derived from the pipeline and --data" "create --help explains the job UUID"
expect_out "SLURM_JOB_ID" "create --help says how to tell two runs apart"

finish
