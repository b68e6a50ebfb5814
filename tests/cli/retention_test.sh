#!/usr/bin/env bash
# Execution retention (docs/protocol.md#execution-retention): pjm serve --keep-executions and
# pjm db prune --executions-older-than delete executions older than the duration (in
# transactions of a thousand), keep the recent ones and every job and history entry, keep the
# execution totals in step, and refuse a retention shorter than 7 days (an execution answers a
# repeated Idempotency-Key).
source "$PJM_TEST_LIB"

setup_job retention '{"n": 1}'
ACTOR=keep
# Executions as pjm serve writes them, N days old (start_time), for this actor.
old_executions() { # old_executions COUNT DAYS_AGO PREFIX
    local i when
    when=$(python3 -c "import datetime as d, sys; t = d.datetime.now(d.timezone.utc) - d.timedelta(days=float(sys.argv[1])); print(t.strftime('%Y-%m-%dT%H:%M:%S.000Z'))" "$2")
    for i in $(seq 1 "$1"); do
        echo "INSERT INTO executions (id, actor_id, status, exit_code, start_time, end_time, message_kind, job_uuid, log, request_digest, executor, worker_id, runtime) VALUES ('$3$i', '$ACTOR', 'COMPLETE', 0, '$when', '$when', 'PipelineJobEvent', '$JOB', 'old', '', 'test', 'w', 0);"
    done >"$WORK/old.sql"
    # (From a file: 1,200 statements are too long for one argument.)
    case "$PJM_DATABASE" in
    postgres://* | postgresql://*) psql "$PJM_DATABASE" -XqAt -v ON_ERROR_STOP=1 -f "$WORK/old.sql" >/dev/null ;;
    *) sqlite3 "$PJM_DATABASE" <"$WORK/old.sql" ;;
    esac || { echo "retention_test: inserting old executions failed" >&2; exit 1; }
}
count() { db_query "SELECT count(*) FROM executions WHERE $1"; }

# --- pjm db prune
old_executions 1200 40 forty-
old_executions 3 2 two-
HISTORY=$(db_query "SELECT count(*) FROM history")
run --local db prune --executions-older-than 1d
expect_rc 2 "a retention shorter than 7 days"
expect_err "at least 7d" "the minimum is named"
run --local db prune --executions-older-than soon
expect_rc 2 "not a duration"
expect_eq "$(count "id LIKE 'forty-%'")" "1200" "refusals deleted nothing"
run --local --json db prune --executions-older-than 30d
expect_rc 0 "db prune"
expect_eq "$(json_field pruned)" "1200" "the 1,200 executions older than 30 days are gone (two transactions of a thousand and more)"
expect_eq "$(count "id LIKE 'forty-%'")" "0" "none of them left"
expect_eq "$(count "id LIKE 'two-%'")" "3" "recent executions stay"
expect_eq "$(db_query "SELECT count(*) FROM history")" "$HISTORY" "jobs and histories are never pruned"
expect_eq "$(db_query "SELECT sum(executions) FROM execution_totals WHERE actor_id = '$ACTOR'")" "3" \
    "the totals follow the deletions"

# --- pjm serve --keep-executions: at start, then every minute
old_executions 5 10 ten-
run serve --listen 127.0.0.1:0 --actor-id "$ACTOR" --no-auth --keep-executions 1h
expect_rc 2 "serve with a retention shorter than 7 days"
start_server --no-auth --keep-executions 8d
for _ in $(seq 100); do grep -q "pruned" "$LOG" && break; sleep 0.05; done
check
grep -q "pjm serve: pruned 5 executions that started before" "$LOG" ||
    fail "serve did not prune the 10-day-old executions at start: $(cat "$LOG")"
expect_eq "$(count "id LIKE 'ten-%'")" "0" "serve pruned what is older than 8 days"
expect_eq "$(count "id LIKE 'two-%'")" "3" "and kept what is younger"
curl -s -o /dev/null -X POST -d "{\"uuid\": \"$JOB\", \"name\": \"update\", \"token\": \"$TOKEN\"}" "$URL/messages"
TOTAL=$(curl -s "$URL/executions" | python3 -c 'import json,sys; r=json.load(sys.stdin)["result"]; print(r.get("total_executions", r.get("totalExecutions")))')
expect_eq "$TOTAL" "4" "GET executions counts the kept executions and the new one"
finish
