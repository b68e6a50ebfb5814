#!/usr/bin/env bash
# Help, version, the lifecycle (pjm fsm, --dot, --json: the same table each way), and the
# bundled schemas.
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

# --- the lifecycle: `pjm fsm` as a table, as Graphviz and as JSON shows the same one table.
# (tests/unit/core/fsm_test.cpp checks the table itself against docs/protocol.md#lifecycle.)
run --json fsm
expect_rc 0 "fsm --json"
cp "$OUT" "$WORK/fsm.json"
# From the JSON document: the human table's rows ("event|from|to|token") and the graph's edges
# ("FROM event TO", create from the new-job point), each sorted.
check
python3 - "$WORK/fsm.json" "$WORK" <<'PY' || fail "fsm --json is not a lifecycle document"
import json, sys
doc = json.load(open(sys.argv[1]))
states = [s["state"] for s in doc["states"]]
assert states and all(s["meaning"] for s in doc["states"]), doc["states"]
rows, edges = [], []
for e in doc["events"]:
    assert set(e["from"]) <= set(states), e
    assert e["to"] in states + ["unchanged"], e
    new_job = not e["from"]
    assert new_job == (e["event"] == "create"), e
    frm = ("(new job only)" if new_job else
           "any state" if len(e["from"]) == len(states) else ", ".join(e["from"]))
    token = "-" if new_job else "admin" if e["admin_only"] else "job or admin"
    rows.append("|".join([e["event"], frm, e["to"], token]))
    for s in e["from"] or ["new"]:
        edges.append(" ".join([s, e["event"], s if e["to"] == "unchanged" else e["to"]]))
open(sys.argv[2] + "/rows", "w").write("".join(r + "\n" for r in sorted(rows)))
open(sys.argv[2] + "/edges", "w").write("".join(r + "\n" for r in sorted(edges)))
open(sys.argv[2] + "/states", "w").write("\n".join(states) + "\n")
admin = {e["event"] for e in doc["events"] if e["admin_only"]}
assert admin == {"reset", "ready"}, admin
PY

run fsm
expect_rc 0 "fsm"
check
[ "$(head -n 1 "$OUT" | tr -s ' ')" = "EVENT ALLOWED FROM GOES TO TOKEN" ] || fail "fsm: the table's header"
rows=$(awk 'NR > 1' "$OUT" | sed -E 's/ +$//; s/  +/|/g' | LC_ALL=C sort)
expect_eq "$rows" "$(LC_ALL=C sort "$WORK/rows")" "fsm: one row per event of fsm --json"
expect_out "any state" "fsm: reset is allowed from any state"
check
grep -E '^(reset|ready) ' "$OUT" | grep -qv 'admin$' && fail "fsm: reset and ready need an admin token"

run fsm --dot
expect_rc 0 "fsm --dot"
expect_eq "$(head -n 1 "$OUT")" "digraph pipelinejob {" "fsm --dot is a digraph"
expect_eq "$(tail -n 1 "$OUT")" "}" "fsm --dot ends the graph"
edges=$(sed -nE 's/^ *([A-Za-z_]+) -> ([A-Za-z_]+) \[label="([a-z]+)".*/\1 \3 \2/p' "$OUT" | LC_ALL=C sort)
expect_eq "$(grep -c -- '->' "$OUT")" "$(wc -l <"$WORK/edges")" "fsm --dot: one edge per allowed pair"
expect_eq "$edges" "$(LC_ALL=C sort "$WORK/edges")" "fsm --dot: the edges of fsm --json"
while read -r state; do
    expect_out "  $state;" "fsm --dot declares $state"
done <"$WORK/states"
if command -v dot >/dev/null; then
    check
    dot -Tsvg "$OUT" >/dev/null 2>&1 || fail "Graphviz refuses the --dot output"
fi

# --- the bundled schemas: valid JSON, draft-07
for kind in event delete create agave tapis urlparams; do
    run schema "$kind"
    expect_rc 0 "schema $kind"
    check
    python3 -m json.tool "$OUT" >/dev/null 2>&1 || fail "schema $kind is not valid JSON"
    expect_out '"$schema": "http://json-schema.org/draft-07/schema#"' "schema $kind is draft-07"
done
run schema event
check
python3 - "$OUT" "$WORK/fsm.json" <<'PY' || fail "the event schema names the events of fsm, not create"
import json, sys
names = json.load(open(sys.argv[1]))["properties"]["name"]["enum"]
events = [e["event"] for e in json.load(open(sys.argv[2]))["events"] if e["event"] != "create"]
assert names == events, (names, events)
PY
run schema job
expect_rc 2 "schema of an unknown kind"
expect_err "job" "schema of an unknown kind names it"

finish
