#!/usr/bin/env bash
# Help, version, the lifecycle (pjm fsm, --dot, --json) checked against its table in
# docs/protocol.md#lifecycle, and the bundled schemas.
# pjm-test: one backend (no job database here)
source "$PJM_TEST_LIB"

# --- --help of pjm and of every subcommand: exit 0, on stdout, with examples
while IFS= read -r command; do
    # shellcheck disable=SC2086 # the command's words are meant to split
    run $command --help
    what="pjm${command:+ $command} --help"
    expect_rc 0 "$what"
    expect_out "Usage: pjm${command:+ $command}" "$what"
    expect_out "Examples:" "$what"
    check
    [ ! -s "$ERR" ] || fail "$what writes to stderr"
done <<'EOF'

event
delete
create
status
list
token
token admin
token job
token verify
pipeline
pipeline add
pipeline list
handle
fsm
schema
EOF
run help
expect_rc 2 "'pjm help' is not a command"
run
expect_rc 2 "no command"
expect_err "Usage: pjm" "no command shows the usage"

run --version
expect_rc 0 "--version"
expect_out "pjm " "--version names pjm"
expect_out "sqlite" "--version mentions sqlite"

# --- docs/protocol.md#lifecycle: event, the states it is allowed from, where it goes
ALL="CREATED RUNNING FAILED FINISHED INDEXING VALIDATING VALIDATED REJECTED FINALIZED RETIRED RESET"
LIFECYCLE_TABLE="run|CREATED RUNNING|RUNNING
update|CREATED RUNNING VALIDATING INDEXING|unchanged
resource|CREATED RUNNING|unchanged
fail|CREATED RUNNING VALIDATING INDEXING|FAILED
finish|RUNNING FINISHED|FINISHED
index|FINISHED INDEXING|INDEXING
indexed|FINISHED INDEXING|FINISHED
validate|FINISHED VALIDATED|VALIDATING
validated|VALIDATING VALIDATED|VALIDATED
reject|VALIDATING|REJECTED
finalize|VALIDATED|FINALIZED
retire|FAILED FINALIZED FINISHED REJECTED VALIDATING VALIDATED|RETIRED
reset|$ALL|RESET
ready|RESET|CREATED"
# The edges of the graph: "FROM event TO", one line each, create from the new-job point.
expected_edges=$(
    {
        echo "new create CREATED"
        while IFS='|' read -r event from to; do
            for state in $from; do
                [ "$to" = unchanged ] && echo "$state $event $state" || echo "$state $event $to"
            done
        done <<<"$LIFECYCLE_TABLE"
    } | LC_ALL=C sort
)
expected_count=$(($(wc -l <<<"$expected_edges")))
expect_eq "$expected_count" "$((1 + 2 + 4 + 2 + 4 + 2 + 2 + 2 + 2 + 2 + 1 + 1 + 6 + 11 + 1))" \
    "the lifecycle has 42 allowed (state, event) pairs plus create"

run fsm
expect_rc 0 "fsm"
events=$(awk 'NR > 1 { print $1 }' "$OUT")
expect_eq "$(wc -l <<<"$events")" "15" "fsm lists 15 events"
expect_eq "$(paste -sd " " <<<"$events")" \
    "create run update resource fail finish index indexed validate validated finalize reject retire reset ready" \
    "fsm lists every event of the lifecycle"
expect_out "any state" "fsm: reset is allowed from any state"
check
grep -E '^(reset|ready) ' "$OUT" | grep -qv 'admin$' && fail "fsm: reset and ready need an admin token"

run fsm --dot
expect_rc 0 "fsm --dot"
expect_eq "$(head -n 1 "$OUT")" "digraph pipelinejob {" "fsm --dot is a digraph"
expect_eq "$(tail -n 1 "$OUT")" "}" "fsm --dot ends the graph"
edges=$(sed -nE 's/^ *([A-Za-z_]+) -> ([A-Za-z_]+) \[label="([a-z]+)".*/\1 \3 \2/p' "$OUT" | LC_ALL=C sort)
expect_eq "$(grep -c -- '->' "$OUT")" "$expected_count" "fsm --dot: one edge per allowed pair"
expect_eq "$edges" "$expected_edges" "fsm --dot: the edges are the lifecycle table"
for state in $ALL; do
    expect_out "  $state;" "fsm --dot declares $state"
done
if command -v dot >/dev/null; then
    check
    dot -Tsvg "$OUT" >/dev/null 2>&1 || fail "Graphviz refuses the --dot output"
fi

run --json fsm
expect_rc 0 "fsm --json"
check
python3 - "$OUT" "$ALL" "$LIFECYCLE_TABLE" <<'PY' || fail "fsm --json agrees with the table"
import json, sys
doc = json.load(open(sys.argv[1]))
assert [s["state"] for s in doc["states"]] == sys.argv[2].split(), doc["states"]
table = {"create": ([], "CREATED")}
for line in sys.argv[3].splitlines():
    event, sources, target = line.split("|")
    table[event] = (sources.split(), target)
got = {e["event"]: (e["from"], e["to"]) for e in doc["events"]}
assert set(got) == set(table), got
for event, (sources, target) in table.items():
    assert sorted(got[event][0]) == sorted(sources), (event, got[event])
    assert got[event][1] == target, (event, got[event])
admin = {e["event"] for e in doc["events"] if e["admin_only"]}
assert admin == {"reset", "ready"}, admin
PY

# --- the bundled schemas: valid JSON, draft-07
for kind in event delete create agave urlparams; do
    run schema "$kind"
    expect_rc 0 "schema $kind"
    check
    python3 -m json.tool "$OUT" >/dev/null 2>&1 || fail "schema $kind is not valid JSON"
    expect_out '"$schema": "http://json-schema.org/draft-07/schema#"' "schema $kind is draft-07"
done
run schema event
check
python3 - "$OUT" <<'PY' || fail "the event schema names the 14 events, not create"
import json, sys
names = json.load(open(sys.argv[1]))["properties"]["name"]["enum"]
assert sorted(names) == sorted("run update resource fail finish index indexed validate "
                               "validated finalize reject retire reset ready".split()), names
PY
run schema job
expect_rc 2 "schema of an unknown kind"
expect_err "job" "schema of an unknown kind names it"

finish
