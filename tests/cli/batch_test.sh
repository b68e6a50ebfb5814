#!/usr/bin/env bash
# pjm event --batch: NDJSON event messages from a file or stdin, applied (local mode) or sent
# to a real pjm serve (client mode) in order; per-line failures with their line numbers, a
# summary, --json outcomes, the exit code of the worst line, refused lines changing nothing,
# --fail-fast, --dry-run, streaming, the outbox when the manager is down, and the progress bar
# only on a terminal.
source "$PJM_TEST_LIB"

setup_job first '{"n": 1}'
JOB1=$JOB TOKEN1=$TOKEN
# new_job N: a new job of the same pipeline (sets JOB and TOKEN; no python, which is slow to start)
new_job() {
    local doc
    doc=$("$PJM" --local --json create --pipeline "$PIPELINE" --archive-path "/archive/$1" \
        --data "{\"n\": $1}") || { echo "new_job failed" >&2; exit 1; }
    JOB=$(grep -o '^  "uuid": "107[^"]*"' <<<"$doc" | cut -d'"' -f4)
    TOKEN=$(grep -o '^  "token": "[^"]*"' <<<"$doc" | cut -d'"' -f4)
    [ -n "$JOB" ] && [ -n "$TOKEN" ] || { echo "new_job: no uuid or token in $doc" >&2; exit 1; }
}
new_job 2
JOB2=$JOB TOKEN2=$TOKEN
MISSING_JOB=107aaaaa-bbbb-5ccc-8ddd-eeeeeeeeeeee

history_of() { # history_of JOB: its event names in order, comma-separated
    db_query "SELECT name FROM history WHERE job_uuid='$1' ORDER BY seq" | paste -sd,
}
history_count() { db_query "SELECT count(*) FROM history"; }
ev() { # ev NAME JOB TOKEN [DATA]: one event message on one line
    printf '{"uuid": "%s", "name": "%s", "token": "%s"%s}\n' "$2" "$1" "$3" "${4:+, \"data\": $4}"
}
# expect_lines "N N …" WHAT: the line numbers of the "pjm: line N:" messages on stderr
expect_lines() {
    expect_eq "$(grep -o '^pjm: line [0-9]*:' "$ERR" | grep -o '[0-9]*' | paste -sd' ')" "$1" "$2"
}

# --- Local mode: good lines applied in order, bad ones reported with their line numbers.
F=$WORK/events.ndjson
{
    echo '# a comment, then a blank line and one of spaces'
    echo
    echo '   '
    ev run "$JOB1" "$TOKEN1"                                # 4
    ev update "$JOB1" "$TOKEN1" '{"progress": 0.5}'         # 5
    echo '{"uuid": "'"$JOB1"'", "name": "update", '          # 6: not JSON
    echo '["not", "an", "object"]'                          # 7
    ev finsh "$JOB1" "$TOKEN1"                              # 8: unknown event
    ev finalize "$JOB1" "$TOKEN1"                           # 9: conflict (RUNNING)
    ev update "$JOB1" ffffffffffffffff                      # 10: wrong token
    ev run "$MISSING_JOB" "$TOKEN1"                         # 11: no such job
    ev run "$JOB2" "$TOKEN2"                                # 12
    echo '  # an indented comment'                          # 13
    printf '%s' "$(ev finish "$JOB1" "$TOKEN1" '{"files": 3}')" # 14, no newline at the end
} >"$F"
BEFORE=$(history_count)
run --local event --batch "$F"
expect_rc 3 "worst of 3, 4, 5, 6 is 3 (invalid)"
expect_lines "6 7 8 9 10 11" "every failing line is reported with its number, in order"
expect_err "pjm: line 8: not a valid PipelineJobEvent" "the schema's reason"
expect_err "did you mean 'finish'?" "a misspelt event gets its hint"
expect_err "pjm: line 7: a line must be a JSON object" "a line that is not an object"
expect_err "pjm: line 9: " "the conflict"
check
grep -q "^pjm: line 9: .*not allowed in state RUNNING" "$ERR" || fail "line 9's reason: $(cat "$ERR")"
expect_err "pjm: batch: 14 lines, 4 applied, 6 refused, 4 skipped (blank or comment)" "the summary"
expect_empty_out "human output of a batch is on stderr"
expect_eq "$(history_of "$JOB1")" "create,run,update,finish" "job 1's history, in file order"
expect_eq "$(history_of "$JOB2")" "create,run" "job 2's history"
expect_eq "$(history_count)" "$((BEFORE + 4))" "only the 4 good lines wrote history"
expect_eq "$(db_query "SELECT data FROM history WHERE job_uuid='$JOB1' AND name='update'" |
    python3 -c 'import json,sys; print(json.load(sys.stdin))')" "{'progress': 0.5}" \
    "a line's data is recorded"
check
grep -qF -e "$TOKEN1" -e "$TOKEN2" "$ERR" && fail "a token appears on stderr"

# The worst exit code by the documented order: 75 < 6 < 4 < 5 < 3 < 7 < 8 < 2 < 1.
worst() { # worst EXPECTED WHAT LINES…: a file of LINES gives EXPECTED
    local expected=$1 what=$2
    shift 2
    printf '%s\n' "$@" >"$WORK/worst.ndjson"
    run --local event --batch "$WORK/worst.ndjson"
    expect_rc "$expected" "$what"
}
new_job 3
JOB3=$JOB TOKEN3=$TOKEN
worst 6 "a conflict alone" "$(ev finish "$JOB3" "$TOKEN3")" # CREATED: finish not allowed
worst 4 "not found is worse than a conflict" "$(ev finish "$JOB3" "$TOKEN3")" \
    "$(ev run "$MISSING_JOB" "$TOKEN3")"
worst 5 "not authorized is worse than not found" "$(ev run "$MISSING_JOB" "$TOKEN3")" \
    "$(ev finish "$JOB3" ffffffffffffffff)" "$(ev finish "$JOB3" "$TOKEN3")"
worst 3 "invalid is worse than not authorized, whatever the order" "{" \
    "$(ev finish "$JOB3" ffffffffffffffff)"
worst 0 "all applied" "$(ev run "$JOB3" "$TOKEN3")" "$(ev update "$JOB3" "$TOKEN3")"
expect_err "pjm: batch: 2 lines, 2 applied, 0 refused" "the summary of a clean batch"

# Refused lines change nothing in the database.
{
    echo 'not json'
    echo '{"uuid": "'"$JOB3"'"}'
    ev finish "$JOB3" ffffffffffffffff
    ev ready "$JOB3" "$TOKEN3" # admin only
    ev finalize "$JOB3" "$TOKEN3" # not from RUNNING
    echo '{"uuid": "'"$JOB3"'", "action": "delete", "token": "'"$ADMIN"'"}'
    printf '{"uuid": "%s", "name": "update", "data": {"bad": "\xff"}}\n' "$JOB3"
} >"$WORK/refused.ndjson"
SUM=$(db_sum)
run --local event --batch "$WORK/refused.ndjson"
expect_rc 3 "all refused"
expect_eq "$(db_sum)" "$SUM" "refused lines leave the database as it was"
expect_lines "1 2 3 4 5 6 7" "each refused line is named"
expect_err "pjm: line 6: this line is a PipelineJobDeleteAction, not an event" "a delete is not an event"
expect_err "pjm: batch: 7 lines, 0 applied, 7 refused" "the summary of refusals"

# --json: one object per line, then the summary; outcomes, exit codes and errors.
printf '%s\n' "$(ev update "$JOB3" "$TOKEN3" '{"k": 1}')" "" "oops" \
    "$(ev finalize "$JOB3" "$TOKEN3")" >"$WORK/json.ndjson"
run --local --json event --batch "$WORK/json.ndjson"
expect_rc 3 "json batch: the invalid line is worse than the conflict"
check
python3 - "$OUT" "$JOB3" <<'PY' || fail "--json output"
import json, sys
docs = [json.loads(l) for l in open(sys.argv[1])]
assert len(docs) == 4, docs
a, b, c, s = docs
assert a["line"] == 1 and a["uuid"] == sys.argv[2] and a["name"] == "update", a
assert a["outcome"] == "applied" and a["exit_code"] == 0 and a["error"] is None, a
assert b["line"] == 3 and b["outcome"] == "refused" and b["exit_code"] == 3, b
assert b["uuid"] is None and b["error"]["kind"] == "invalid" and b["error"]["message"], b
assert c["line"] == 4 and c["name"] == "finalize" and c["exit_code"] == 6, c
assert c["error"]["kind"] == "conflict", c
assert s == {"summary": {"lines": 4, "skipped": 1, "applied": 1, "sent": 0, "refused": 2,
                         "queued": 0, "failed": 0, "would_apply": 0, "would_send": 0,
                         "stopped_at": None, "exit_code": 3}}, s
PY
expect_err "pjm: line 3: " "--json still reports failures on stderr"

# Standard input; a line without uuid or token takes PJM_JOB_UUID and PJM_TOKEN.
new_job 4
JOB4=$JOB TOKEN4=$TOKEN
printf '%s\n' '{"name": "run"}' '{"name": "update", "data": {"from": "stdin"}}' \
    '{"name": "finish"}' >"$WORK/stdin.ndjson"
PJM_JOB_UUID=$JOB4 PJM_TOKEN=$TOKEN4 run_in "$WORK/stdin.ndjson" --local event --batch -
expect_rc 0 "stdin, uuid and token from the environment"
expect_eq "$(history_of "$JOB4")" "create,run,update,finish" "stdin lines applied in order"
# --token is the default token too; without PJM_JOB_UUID a line needs its uuid.
new_job 5
JOB5=$JOB TOKEN5=$TOKEN
printf '%s\n' '{"uuid": "'"$JOB5"'", "name": "run"}' '{"name": "update"}' |
    "$PJM" --local event --batch - --token "$TOKEN5" >"$OUT" 2>"$ERR"
RC=$?
expect_rc 3 "a line without uuid and no PJM_JOB_UUID"
expect_err 'pjm: line 2: no "uuid" on this line, and PJM_JOB_UUID is not set' "what is missing"
expect_eq "$(history_of "$JOB5")" "create,run" "--token given for a line without token"

# An empty file (or only comments) is a success with a summary of nothing.
: >"$WORK/empty.ndjson"
run --local event --batch "$WORK/empty.ndjson"
expect_rc 0 "empty file"
expect_err "pjm: batch: 0 lines, 0 applied, 0 refused" "summary of an empty file"
run_in /dev/null --local --json event --batch -
expect_rc 0 "empty stdin"
expect_eq "$(json_field summary.lines)" "0" "json summary of empty stdin"

# --fail-fast stops at the first line that is not applied; the rest is not read.
new_job 6
JOB6=$JOB TOKEN6=$TOKEN
printf '%s\n' "$(ev run "$JOB6" "$TOKEN6")" "$(ev finish "$JOB6" bad)" \
    "$(ev finish "$JOB6" "$TOKEN6")" >"$WORK/fast.ndjson"
run --local event --batch "$WORK/fast.ndjson" --fail-fast
expect_rc 3 "--fail-fast: the code of the line that stopped it"
expect_err "stopped after line 2 (--fail-fast)" "where it stopped"
expect_eq "$(history_of "$JOB6")" "create,run" "nothing after the failing line was applied"
run --local event --batch "$WORK/fast.ndjson"
expect_rc 3 "without --fail-fast the rest goes on"
expect_eq "$(history_of "$JOB6")" "create,run,run,finish" "... and lines 1 and 3 were applied"

# --dry-run: every line checked, shown with its token redacted; nothing applied.
new_job 7
JOB7=$JOB TOKEN7=$TOKEN
printf '%s\n' "$(ev run "$JOB7" "$TOKEN7")" "[1]" "$(ev finish "$JOB7" "$TOKEN7")" \
    >"$WORK/dry.ndjson"
SUM=$(db_sum)
run --local --dry-run event --batch "$WORK/dry.ndjson"
expect_rc 3 "dry run finds the bad line"
expect_eq "$(db_sum)" "$SUM" "a dry run touches nothing"
expect_out "line 1: {" "line 1 shown"
expect_out "line 3: {" "line 3 shown"
expect_out '"token":"<redacted>"' "token redacted"
expect_lines "2" "the bad line named"
expect_err "2 valid, 1 refused" "dry run summary"
expect_err "dry run: the database was not touched" "dry run says so"
expect_absent "$TOKEN7" "no token in a dry run's output"

# Usage errors: the whole command, exit 2, before any line.
run --local event run --batch "$F"
expect_rc 2 "an event name with --batch"
run --local event --batch "$F" --data '{}'
expect_rc 2 "--data with --batch"
run --local event --batch "$WORK/no-such-file"
expect_rc 2 "a missing file"
expect_err "cannot read --batch file" "the missing file named"
run --local event --batch "$WORK"
expect_rc 2 "a folder"
run --local event run "$JOB7" --token "$TOKEN7" --fail-fast
expect_rc 2 "--fail-fast without --batch"

# Streaming: line 1 is applied before line 2 has been written (a reader that loaded the
# whole input first would wait for the end: the writer then gives up after 20 s and says so).
new_job 8
JOB8=$JOB TOKEN8=$TOKEN
{
    ev run "$JOB8" "$TOKEN8"
    seen=no
    for _ in $(seq 200); do
        [ "$(history_of "$JOB8")" = "create,run" ] && { seen=yes; break; }
        sleep 0.1
    done
    echo "$seen" >"$WORK/seen"
    ev finish "$JOB8" "$TOKEN8"
} | "$PJM" --local event --batch - >"$OUT" 2>"$ERR"
RC=$?
expect_rc 0 "streamed batch"
expect_eq "$(cat "$WORK/seen")" "yes" "line 1 applied while the input was still open"
expect_eq "$(history_of "$JOB8")" "create,run,finish" "then line 2"

# Progress bar: none when stderr is not a terminal; one on a terminal (util-linux script).
check
grep -q $'\r' "$ERR" && fail "a progress bar on a pipe"
new_job 9
printf '%s\n' "$(ev run "$JOB" "$TOKEN")" "$(ev update "$JOB" "$TOKEN")" >"$WORK/tty.ndjson"
if command -v script >/dev/null 2>&1; then
    script -qec "'$PJM' --local event --batch '$WORK/tty.ndjson' >/dev/null" /dev/null \
        >"$WORK/typescript" 2>&1
    check
    grep -qF "[##############################] 100%  line 2" "$WORK/typescript" ||
        fail "no progress bar on a terminal: $(cat -v "$WORK/typescript")"
    expect_eq "$(history_of "$JOB")" "create,run,update" "the batch on a terminal applied"
fi

# --- Client mode against a real pjm serve.
BEARER="bearer-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
printf '%s\n' "$BEARER" >"$WORK/bearers"
chmod 600 "$WORK/bearers"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE="http://127.0.0.1:$PORT"
start_serve() {
    "$PJM" serve --listen "127.0.0.1:$PORT" --actor-id pjm --bearer-file "$WORK/bearers" \
        2>>"$WORK/serve.log" &
    SERVE=$!
    for _ in $(seq 100); do
        curl -sf "$BASE/healthz" >/dev/null 2>&1 && break
        sleep 0.05
    done
}
start_serve
trap 'kill "$SERVE" 2>/dev/null; wait "$SERVE" 2>/dev/null' EXIT
export PJM_URL="$BASE/actors/v2/pjm/messages" PJM_BEARER_TOKEN=$BEARER

new_job 10
JOBC=$JOB TOKENC=$TOKEN
{
    ev run "$JOBC" "$TOKENC"
    echo '# sent over HTTP'
    ev update "$JOBC" "$TOKENC" '{"over": "http"}'
    ev finalize "$JOBC" "$TOKENC"      # 4: conflict, from the manager
    ev update "$JOBC" ffffffffffffffff # 5: not authorized, from the manager
    echo '{"name": "run"'              # 6: not JSON, refused before sending
    ev finish "$JOBC" "$TOKENC"        # 7
} >"$WORK/client.ndjson"
BEFORE=$(history_count)
run --json event --batch "$WORK/client.ndjson"
expect_rc 3 "client batch: worst of 6, 5 and 3"
expect_lines "4 5 6" "the manager's refusals and the malformed line, by number"
expect_err "not allowed in state RUNNING" "the manager's reason for line 4"
expect_eq "$(history_of "$JOBC")" "create,run,update,finish" "the server applied lines 1, 3, 7 in order"
expect_eq "$(history_count)" "$((BEFORE + 3))" "nothing else was written"
check
python3 - "$OUT" <<'PY' || fail "client --json outcomes"
import json, sys
docs = [json.loads(l) for l in open(sys.argv[1])]
got = [(d["line"], d["outcome"], d["exit_code"]) for d in docs[:-1]]
assert got == [(1, "sent", 0), (3, "sent", 0), (4, "refused", 6), (5, "refused", 5),
               (6, "refused", 3), (7, "sent", 0)], got
assert all("execution_id" in d for d in docs[:-1] if d["outcome"] == "sent"), docs
s = docs[-1]["summary"]
assert (s["lines"], s["sent"], s["refused"], s["skipped"], s["exit_code"]) == (7, 3, 3, 1, 3), s
PY
check
grep -qF -e "$TOKENC" -e "$BEARER" "$OUT" "$ERR" && fail "a secret in the client batch output"

# --wait: each sent line waits for its execution and takes its outcome.
new_job 12
printf '%s\n' "$(ev run "$JOB" "$TOKEN")" "$(ev finish "$JOB" "$TOKEN")" >"$WORK/wait.ndjson"
run --wait --json event --batch "$WORK/wait.ndjson"
expect_rc 0 "--wait batch"
expect_eq "$(grep -c '"outcome":"sent"' "$OUT")" "2" "both lines sent and completed"
expect_out '"message":"'"$JOB"' finish: RUNNING -> FINISHED"' "the execution's logs are the message"
expect_eq "$(history_of "$JOB")" "create,run,finish" "--wait batch applied"

# Client dry run: the request once, then each body with its token redacted.
run --dry-run event --batch "$WORK/client.ndjson"
expect_rc 3 "client dry run finds line 6"
expect_out "POST $PJM_URL (one request per line)" "the target"
expect_out "Authorization: Bearer <redacted>" "the bearer redacted"
expect_out "line 7: {" "line 7 would be sent"
expect_err "5 valid, 1 refused" "client dry run summary"
expect_err "nothing sent" "client dry run says so"
expect_absent "$TOKENC" "no token in the client dry run"

# The manager is down: the first line is queued after its retries, the rest at once behind
# it; a malformed line is still refused (3 is worse than 75). Then a flush delivers in order.
new_job 11
JOBD=$JOB TOKEND=$TOKEN
kill "$SERVE"
wait "$SERVE" 2>/dev/null
printf '%s\n' "$(ev run "$JOBD" "$TOKEND")" "$(ev update "$JOBD" "$TOKEND" '{"q": 1}')" \
    "$(ev finish "$JOBD" "$TOKEND")" >"$WORK/down.ndjson"
run --retries 0 --no-outbox event --batch "$WORK/down.ndjson"
expect_rc 7 "--no-outbox: not delivered, nothing queued"
expect_lines "1 2 3" "each line reported"
expect_err "pjm: line 2: not tried: the manager could not be reached for line 1" "lines after the first not tried"
expect_err "0 sent, 0 refused, 3 failed" "summary with failures"
check
[ -z "$(ls -A "$XDG_STATE_HOME/pjm/outbox" 2>/dev/null)" ] || fail "--no-outbox queued something"
echo 'not json' >>"$WORK/down.ndjson"
run --retries 0 event --batch "$WORK/down.ndjson"
expect_rc 3 "queued lines and a malformed one: 3 is worse than 75"
expect_err "pjm: line 1: not delivered now" "line 1 queued"
expect_err "0 sent, 1 refused, 3 queued in the outbox" "summary with the outbox"
sed -i '$d' "$WORK/down.ndjson"
run --retries 0 event --batch "$WORK/down.ndjson" --dry-run
expect_rc 0 "(a dry run needs no manager)"
run outbox list --json
check
python3 - "$OUT" "$JOBD" <<'PY' || fail "three messages queued for the job, in order"
import json, sys
msgs = json.load(open(sys.argv[1]))["messages"]
assert [m["summary"].split()[0] for m in msgs] == ["run", "update", "finish"], msgs
assert all(m["job"] == sys.argv[2] for m in msgs), msgs
PY
start_serve
run outbox flush
expect_rc 0 "the queued lines are delivered"
expect_out "delivered 3" "all three"
expect_eq "$(history_of "$JOBD")" "create,run,update,finish" "in the order of the file"

# --- Local lines are applied in groups (one transaction, a savepoint each), reported only once
# their group is durable, and a group never waits for input that has not come: a producer that
# writes one line and waits for its report before the next one goes line by line (it would
# wait forever if pjm held the line back for more). Then pjm is killed with SIGKILL: every line
# it reported applied is in the database.
new_job 90
SLOW_JOB=$JOB SLOW_TOKEN=$TOKEN
"$PJM" --local event run "$SLOW_JOB" --token "$SLOW_TOKEN" >/dev/null
python3 - "$PJM" "$SLOW_JOB" "$SLOW_TOKEN" "$WORK/reported" <<'PY' >"$WORK/slow.out" 2>&1
import json, os, select, signal, subprocess, sys
pjm, job, token, reported = sys.argv[1:]
p = subprocess.Popen([pjm, "--local", "--json", "event", "--batch", "-"], stdin=subprocess.PIPE,
                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, bufsize=1)
seen = []
for i in range(5):
    p.stdin.write(json.dumps({"uuid": job, "name": "update", "token": token, "data": {"slow": i}}) + "\n")
    p.stdin.flush()
    ready, _, _ = select.select([p.stdout], [], [], 30)
    if not ready:
        print(f"line {i + 1} was not reported while pjm waited for more input")
        p.kill()
        sys.exit(1)
    doc = json.loads(p.stdout.readline())
    assert doc["outcome"] == "applied", doc
    seen.append(doc["line"])
p.send_signal(signal.SIGKILL)
p.wait()
open(reported, "w").write(" ".join(map(str, seen)))
print("ok")
PY
check
[ "$(cat "$WORK/slow.out")" = ok ] || fail "a slow producer: $(cat "$WORK/slow.out")"
expect_eq "$(cat "$WORK/reported" 2>/dev/null)" "1 2 3 4 5" "each line reported as it came"
expect_eq "$(db_query "SELECT count(*) FROM history WHERE job_uuid = '$SLOW_JOB' AND name = 'update'")" \
    "5" "every line reported applied is in the database after SIGKILL"

# A group with a refused line in the middle: the lines around it are applied, it changes
# nothing, and the report says which.
new_job 91
G_JOB=$JOB G_TOKEN=$TOKEN
"$PJM" --local event run "$G_JOB" --token "$G_TOKEN" >/dev/null
{
    for i in 1 2 3; do ev update "$G_JOB" "$G_TOKEN" "{\"i\": $i}"; done
    ev validate "$G_JOB" "$G_TOKEN" # not allowed in RUNNING
    for i in 4 5; do ev update "$G_JOB" "$G_TOKEN" "{\"i\": $i}"; done
} >"$WORK/group.ndjson"
run_in "$WORK/group.ndjson" --local --json event --batch -
expect_rc 6 "a group with a refused line"
expect_eq "$(history_of "$G_JOB")" "create,run,update,update,update,update,update" \
    "the lines around the refused one are applied, in order"
expect_err "line 4:" "the refused line is named"

finish
