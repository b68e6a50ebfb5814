#!/usr/bin/env bash
# pjm exec wraps a command as the job: run, the command (I/O passed through, signals
# forwarded), then finish or fail with {exit_code, signal, duration_s, host}; pjm exits with
# the command's status whatever happens to the events.
source "$PJM_TEST_LIB"

setup_job demo '{"n": 1}'
export PJM_JOB_UUID=$JOB PJM_TOKEN=$TOKEN
last() { "$PJM" --local --json status | python3 -c "
import json, sys
h = json.load(sys.stdin)['history'][-1]
print(h['name'], json.dumps(h['data'], sort_keys=True))"; }

# Success: stdout and stdin pass through untouched, finish is recorded.
"$PJM" --local exec -- sh -c 'cat; echo "to stderr" >&2' <<<"hello" >"$OUT" 2>"$ERR"
RC=$?
expect_rc 0 "successful command"
expect_eq "$(cat "$OUT")" "hello" "stdout is the command's alone"
expect_err "to stderr" "the command's stderr passes through"
expect_eq "$(last | cut -d' ' -f1)" "finish" "finish recorded"
check
last | grep -q '"exit_code": 0' || fail "finish data lacks exit_code 0: $(last)"

# Failure: the status is the command's; fail carries it.
setup_job second '{"n": 2}'
export PJM_JOB_UUID=$JOB PJM_TOKEN=$TOKEN
run --local exec "$JOB" -- sh -c 'exit 3'
expect_rc 3 "failing command"
expect_eq "$(last | cut -d' ' -f1)" "fail" "fail recorded"
check
last | grep -q '"exit_code": 3' || fail "fail data lacks exit_code 3: $(last)"
check
last | grep -q '"host": "' || fail "fail data lacks host: $(last)"
check
last | grep -q '"duration_s": ' || fail "fail data lacks duration_s: $(last)"

# Inside a batch job, run names the scheduler's job (Slurm first; PBS; none outside both).
first() { "$PJM" --local --json status "$JOB" | python3 -c "
import json, sys
h = [e for e in json.load(sys.stdin)['history'] if e['name'] == 'run'][-1]
print(json.dumps(h['data'].get('scheduler'), sort_keys=True))"; }
for case in "slurm|SLURM_JOB_ID=4242 SLURM_CLUSTER_NAME=hpc1 PBS_JOBID=9.pbs|{\"cluster\": \"hpc1\", \"job_id\": \"4242\", \"name\": \"slurm\"}" \
    "pbs|PBS_JOBID=77.server1 PBS_SERVER=server1|{\"job_id\": \"77.server1\", \"name\": \"pbs\", \"server\": \"server1\"}" \
    "bare slurm|SLURM_JOB_ID=5|{\"job_id\": \"5\", \"name\": \"slurm\"}" \
    "none|SLURM_JOB_ID=|null"; do
    IFS='|' read -r what vars want <<<"$case"
    setup_job "sched-${what// /-}" '{"n": 5}'
    # shellcheck disable=SC2086
    env -u SLURM_JOB_ID -u SLURM_CLUSTER_NAME -u PBS_JOBID -u PBS_SERVER $vars \
        "$PJM" --local exec "$JOB" --token "$TOKEN" -- true >"$OUT" 2>"$ERR"
    RC=$?
    expect_rc 0 "exec in a $what job"
    expect_eq "$(first)" "$want" "run's scheduler in a $what job"
    check
done
export PJM_JOB_UUID=$JOB PJM_TOKEN=$TOKEN

# A signal sent to pjm reaches the command.
setup_job third '{"n": 3}'
export PJM_JOB_UUID=$JOB PJM_TOKEN=$TOKEN
"$PJM" --local exec -- sh -c 'trap "exit 42" TERM; sleep 30 & wait' >"$OUT" 2>"$ERR" &
PID=$!
for _ in $(seq 50); do
    [ "$("$PJM" --local --json status | python3 -c 'import json,sys; print(json.load(sys.stdin)["state"])')" = RUNNING ] && break
    sleep 0.1
done
sleep 0.2
kill -TERM "$PID"
wait "$PID"
RC=$?
expect_rc 42 "TERM forwarded to the command, which exits 42"
check
last | grep -q '"exit_code": 42' || fail "fail data lacks exit_code 42: $(last)"

# A command that does not exist: 127, as a shell would say, and a fail with the reason.
setup_job fourth '{"n": 4}'
export PJM_JOB_UUID=$JOB PJM_TOKEN=$TOKEN
run --local exec -- /nonexistent/program
expect_rc 127 "missing command"
expect_err "cannot run /nonexistent/program" "missing command explained"
check
last | grep -q 'cannot run /nonexistent/program' || fail "fail data lacks the reason: $(last)"

# Events that cannot be recorded never change the command's status (job already finished).
run --local exec -- sh -c 'exit 5'
expect_rc 5 "status kept although the events were refused"
expect_err "was not recorded" "refused events are reported"

# --strict: a run refused for good (the job is FINISHED: 6; a wrong token: 5; an unknown job:
# 4) starts nothing; a manager that cannot be reached (75) does not stop the command.
rm -f "$WORK/ran"
run --local exec --strict -- sh -c "touch '$WORK/ran'"
expect_rc 6 "--strict on a finished job: the refusal's code"
expect_err "not starting sh" "--strict says it did not start the command"
check
[ ! -e "$WORK/ran" ] || fail "--strict ran the command although run was refused"
setup_job strict '{"n": 5}'
run --local exec "$JOB" --token 0123456789abcdef --strict -- sh -c "touch '$WORK/ran'"
expect_rc 5 "--strict with a wrong token"
check
[ ! -e "$WORK/ran" ] || fail "--strict ran the command with a wrong token"
run --local exec 107aaaaa-bbbb-5ccc-8ddd-eeeeeeeeeeee --token "$TOKEN" --strict -- sh -c "touch '$WORK/ran'"
expect_rc 4 "--strict with an unknown job"
check
[ ! -e "$WORK/ran" ] || fail "--strict ran the command for an unknown job"
run --url http://127.0.0.1:1/actors/v2/A/messages --retries 0 exec "$JOB" --token "$TOKEN" --strict -- sh -c "touch '$WORK/ran'"
expect_rc 0 "--strict with the manager down: the command runs"
check
[ -e "$WORK/ran" ] || fail "--strict did not run the command although run was only queued"
run outbox drop --all
export PJM_JOB_UUID=$JOB PJM_TOKEN=$TOKEN
run --local exec --strict -- true
expect_rc 0 "--strict with everything right"
expect_eq "$("$PJM" --local --json status "$JOB" | python3 -c 'import json,sys; print(json.load(sys.stdin)["state"])')" FINISHED "--strict: run and finish recorded"
setup_job fourth_again '{"n": 6}'
export PJM_JOB_UUID=$JOB PJM_TOKEN=$TOKEN

# Client mode, manager down: the command still runs; both events wait in the outbox.
run --url http://127.0.0.1:1/actors/v2/A/messages --retries 0 exec -- sh -c 'echo ran; exit 0'
expect_rc 0 "client mode with the manager down"
expect_out "ran" "the command ran"
check
[ "$(ls "$XDG_STATE_HOME/pjm/outbox" | grep -c '\.json$')" -eq 2 ] ||
    fail "expected 2 queued events, found: $(ls "$XDG_STATE_HOME/pjm/outbox")"

# Usage: no command.
run --local exec
expect_rc 2 "no command"
expect_err "no command to run" "no command explained"

# The form the --help example shows: the job and its token as arguments before "--".
setup_job explicit '{"n": 4}'
unset PJM_JOB_UUID PJM_TOKEN
run --local exec "$JOB" --token "$TOKEN" -- sh -c 'echo explicit; exit 0'
expect_rc 0 "exec JOB --token T -- command"
expect_out "explicit" "the command ran, not --token"
expect_eq "$(PJM_JOB_UUID=$JOB last | cut -d' ' -f1)" "finish" "finish recorded for that job"
run --local exec --token "$TOKEN" "$JOB" -- false
expect_rc 1 "exec --token T JOB -- command"
finish
