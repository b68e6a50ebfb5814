#!/usr/bin/env bash
# Human output of status, list, pipeline list and outbox list: aligned tables, each event's
# state change, relative times with the RFC 3339 dates kept (and --json unchanged), colour on a
# terminal only (script(1) gives pjm one) and never with NO_COLOR, TERM=dumb or a pipe unless
# --color=always, optional columns left out on a narrow terminal, the red "error:" prefix.
source "$PJM_TEST_LIB"
ESC=$'\e'
setup_job human
run --local event run "$JOB" --token "$TOKEN"
run --local event update "$JOB" --token "$TOKEN" --data '{"progress": 0.5}'
run --local event finish "$JOB" --token "$TOKEN" --data '{"exit_code": 0}'
# The job was created three years ago and run two days ago (the store keeps dates as text).
ago() { # ago DAYS: that many days before now, as pjm writes dates
    python3 -c 'import datetime as d, sys; t = d.datetime.now(d.timezone.utc) - d.timedelta(days=float(sys.argv[1]))
print(t.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (t.microsecond // 1000))' "$1"
}
LONG_AGO=$(ago 1110) TWO_DAYS_AGO=$(ago 2.05)
db_query "UPDATE history SET date = '$LONG_AGO' WHERE job_uuid = '$JOB' AND seq = 1"
db_query "UPDATE jobs SET created = '$LONG_AGO' WHERE uuid = '$JOB'"
db_query "UPDATE history SET date = '$TWO_DAYS_AGO' WHERE job_uuid = '$JOB' AND seq = 2"

no_escapes() { # no_escapes WHAT: neither stdout nor stderr holds an escape sequence
    check
    ! grep -q "$ESC" "$OUT" "$ERR" || fail "$1: escape sequences in the output"
}

# --- status, piped: plain, aligned, every date kept
run --local status "$JOB"
expect_rc 0 "status"
no_escapes "status through a pipe"
expect_out "state:       FINISHED (processing done, outputs archived)" "the state line"
expect_out "created:     3 years ago ($LONG_AGO)" "created: relative, then RFC 3339"
expect_out "history (4 events):" "history heading"
check
python3 - "$OUT" "$TWO_DAYS_AGO" "$LONG_AGO" <<'PY' || fail "the history table is not as expected"
import re, sys
lines = open(sys.argv[1]).read().split("\n")
start = lines.index("history (4 events):") + 1
head, rows = lines[start], lines[start + 1:start + 5]
cols = ["SEQ", "WHEN", "DATE", "EVENT", "STATE", "DATA"]
assert head.split() == cols, head
at = [head.index(c) for c in cols]
for row in rows:  # every cell starts under its header
    for a in at[:5]:
        assert row[a] != " " and (a == 2 or row[a - 1] == " "), (row, a)
assert re.match(r"  1 +3 years ago +" + re.escape(sys.argv[3]) + r" +create +CREATED$", rows[0]), rows[0]
assert re.match(r"  2 +2 days ago +" + re.escape(sys.argv[2]) + r" +run +CREATED -> RUNNING$", rows[1]), rows[1]
assert re.match(r"  3 +(just now|\d+ seconds? ago) +\S+Z +update +RUNNING +\{\"progress\":0.5\}$", rows[2]), rows[2]
assert re.search(r" finish +RUNNING -> FINISHED +\{\"exit_code\":0\}$", rows[3]), rows[3]
PY

# --json keeps the dates exactly as stored
run --local --json status "$JOB"
expect_eq "$(json_field created)" "$LONG_AGO" "--json created"
expect_eq "$(json_field history.1.date)" "$TWO_DAYS_AGO" "--json history date"

# --- list, pipeline list, outbox list
run --local list
expect_rc 0 "list"
no_escapes "list through a pipe"
check
python3 - "$OUT" "$JOB" "$PIPELINE" <<'PY' || fail "list is not as expected"
import re, sys
head, row = open(sys.argv[1]).read().split("\n")[:2]
assert re.fullmatch(r"UUID +STATE +LAST EVENT +UPDATED +UPDATED AT +PIPELINE", head), head
assert re.fullmatch(re.escape(sys.argv[2]) + r" +FINISHED +finish +(just now|\d+ seconds? ago) +\S+Z +" + sys.argv[3], row), row
assert head.index("STATE") == row.index("FINISHED") and head.index("PIPELINE") == row.index(sys.argv[3])
PY
run --local pipeline list
expect_rc 0 "pipeline list"
check
grep -qE "^$PIPELINE +human +(just now|[0-9]+ seconds? ago) +[0-9T:.-]+Z$" "$OUT" ||
    fail "pipeline list: uuid, name, relative and absolute creation time"
run --url http://127.0.0.1:1/actors/v2/A/messages --retries 0 event fail "$JOB" --token "$TOKEN"
expect_rc 75 "queued while the manager is down"
run outbox list
expect_rc 0 "outbox list"
check
grep -qE "^[0-9]+-[0-9a-f]+ +queued +(just now|[0-9]+ seconds? ago) +[0-9T:.-]+Z +1 +fail $JOB +http://127.0.0.1:1/actors/v2/A/messages \(pinned\) +cannot reach" "$OUT" ||
    fail "outbox list: id, state, relative and absolute time, attempts, message, where it goes, error"

# --- colour: --color decides; auto means a terminal, no NO_COLOR, no TERM=dumb
run --local --color=always status "$JOB"
expect_out "state:       ${ESC}[32mFINISHED${ESC}[0m (processing done" "--color=always: FINISHED green"
expect_out "CREATED -> ${ESC}[33mRUNNING${ESC}[0m" "--color=always: RUNNING yellow in the history"
NO_COLOR=1 run --local --color=always list
expect_out "${ESC}[32mFINISHED${ESC}[0m" "--color=always wins over NO_COLOR"
run --local --color=always --json status "$JOB"
no_escapes "--json is never coloured"
run --local --color=always status 107aaaaa-bbbb-5ccc-8ddd-eeeeeeeeeeee
expect_rc 4 "unknown job"
expect_err "pjm: ${ESC}[31merror:${ESC}[0m job 107aaaaa" "--color=always: the error prefix is red"
run --local status 107aaaaa-bbbb-5ccc-8ddd-eeeeeeeeeeee
expect_err "pjm: error: job 107aaaaa" "a piped error is plain"
run --color=sometimes list
expect_rc 2 "--color takes auto, always or never"
expect_err "--color" "the error names the option"

# on a terminal (script(1) runs pjm on a pseudo-terminal)
on_tty() { # on_tty COLUMNS ENV… -- ARGS…: pjm on a terminal that wide, output in $OUT
    local cols=$1 quoted
    shift
    local -a vars=()
    while [ "$1" != "--" ]; do vars+=("$1"); shift; done
    shift
    printf -v quoted '%q ' "$PJM" "$@"
    env "${vars[@]}" script -qec "stty cols $cols; $quoted" /dev/null >"$OUT" 2>"$ERR"
    RC=$?
    tr -d '\r' <"$OUT" >"$OUT.tmp" && mv "$OUT.tmp" "$OUT"
}
on_tty 200 TERM=xterm -- --local list
expect_rc 0 "list on a terminal"
expect_out "${ESC}[32mFINISHED${ESC}[0m" "a terminal gets colour"
expect_out "UPDATED AT" "a wide terminal gets the absolute time"
on_tty 200 TERM=xterm NO_COLOR=1 -- --local list
no_escapes "NO_COLOR=1 on a terminal"
on_tty 200 TERM=dumb -- --local list
no_escapes "TERM=dumb"
on_tty 200 TERM=xterm -- --local --color=never list
no_escapes "--color=never on a terminal"
on_tty 70 TERM=xterm -- --local list
check
head -1 "$OUT" | grep -qE "^UUID +STATE +LAST EVENT +UPDATED$" ||
    fail "a narrow terminal leaves out UPDATED AT and PIPELINE: $(head -1 "$OUT")"
on_tty 70 TERM=xterm -- --local status "$JOB"
check
grep -qE "^  SEQ +WHEN +EVENT +STATE +DATA$" "$OUT" || fail "a narrow terminal leaves out the history's DATE"
expect_out "created:     3 years ago ($LONG_AGO)" "the fields keep both times"
finish
