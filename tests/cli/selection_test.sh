#!/usr/bin/env bash
# Output for scripts: --template prints each result document through a template, one line
# each (docs/json-output.md#templates); -q prints nothing on stdout, the exit code tells;
# status --follow shows new events as they come and ends when the run does.
source "$PJM_TEST_LIB"

run --local pipeline add --name demo
PIPELINE=$(cat "$OUT")
# create → the variables a script needs, in one line.
run --local create --pipeline demo --archive-path /a --data '{"n": 1}' \
    --template 'export PJM_JOB_UUID={uuid} PJM_TOKEN={token}'
expect_rc 0 "create with --template"
eval "$(cat "$OUT")"
check
[[ ${PJM_JOB_UUID:-} =~ ^107 ]] && [[ ${PJM_TOKEN:-} =~ ^[0-9a-f]{16}$ ]] ||
    fail "the template gave no UUID and token: $(cat "$OUT")"
JOB=$PJM_JOB_UUID
"$PJM" --local create --pipeline demo --archive-path /b --data '{"n": 2}' >/dev/null

# A list: one line per element; fields by path; tab escapes; missing fields warned about.
run --local list --template '{uuid}\t{state}\t{pipeline_uuid}'
expect_rc 0 "list with --template"
expect_eq "$(wc -l <"$OUT")" "2" "one line per job"
expect_out "$(printf '%s\tCREATED\t%s' "$JOB" "$PIPELINE")" "uuid, tab, state, tab, pipeline"
run --local status "$JOB" --template '{history.0.name}:{data.n}:{nope}'
expect_rc 0 "a missing field is not an error"
expect_eq "$(cat "$OUT")" "create:1:" "paths into the history and the data"
expect_err "no field nope" "a missing field is warned about"
run --local list --template '{uuid'
expect_rc 2 "a template that does not parse"
expect_err "--template: '{' at character 1 is never closed" "the error says where"
# Errors never go to stdout with --template: stdout stays for results.
run --local status 107fffff-0000-5000-8000-000000000000 --template '{state}'
expect_rc 4 "status of a job that does not exist"
expect_empty_out "no error document on stdout with --template"

# -q: nothing on stdout, the exit code and stderr as before.
run -q --local event run "$JOB"
expect_rc 0 "-q event run"
expect_empty_out "-q prints nothing"
run -q --local event finalize "$JOB"
expect_rc 6 "-q keeps the exit code"
expect_err "not allowed" "-q keeps errors on stderr"
expect_empty_out "-q prints nothing on a refusal either"

# status --follow: the events as they come, until the run ends; with --template, the final
# state once.
"$PJM" --local status --follow --interval 0.1 "$JOB" >"$WORK/follow.out" 2>&1 &
FOLLOW=$!
"$PJM" --local status --follow --interval 0.1 --template '{state} {last_event}' "$JOB" \
    >"$WORK/follow-template.out" 2>&1 &
FOLLOW_T=$!
sleep 0.3
"$PJM" --local event update "$JOB" --data '{"progress": 0.5}' >/dev/null
sleep 0.3
check
kill -0 "$FOLLOW" 2>/dev/null || fail "--follow ended while the job was still RUNNING"
"$PJM" --local event finish "$JOB" >/dev/null
for _ in $(seq 50); do kill -0 "$FOLLOW" 2>/dev/null || break; sleep 0.1; done
check
if kill -0 "$FOLLOW" 2>/dev/null; then kill "$FOLLOW"; fail "--follow did not end when the job finished"; fi
wait "$FOLLOW"
expect_eq "$?" "0" "--follow exits 0 when the run ends"
wait "$FOLLOW_T"
check
grep -q '{"progress":0.5}' "$WORK/follow.out" || fail "--follow did not show the update: $(cat "$WORK/follow.out")"
check
grep -q -- "-> FINISHED" "$WORK/follow.out" || fail "--follow did not show the state change"
expect_eq "$(cat "$WORK/follow-template.out")" "FINISHED finish" "--follow --template prints the end, once"
run --local status --follow --until RETIRED,FINISHED --interval 0.1 "$JOB" --template '{state}'
expect_eq "$(cat "$OUT")" "FINISHED" "a job already in a --until state ends at once"
run --local status --until FINISHED "$JOB"
expect_rc 2 "--until without --follow"
run --local status --follow --until SOMETIME "$JOB"
expect_rc 2 "an unknown --until state"
finish
