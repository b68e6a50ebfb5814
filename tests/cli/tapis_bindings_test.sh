#!/usr/bin/env bash
# The official Tapis v3 TypeScript bindings for Actors (@tapis/tapis-typescript-actors, from
# npm; scripts/install-deps puts them in tests/node/node_modules) against pjm serve, unchanged:
# they read `executionId` from a message reply but snake-case fields from executions and
# summaries, which pjm serve's default key case (both) satisfies at once
# (docs/protocol.md#key-case). tests/node/actors_client.mjs holds the checks; then --case snake
# shows why the default is both: the bindings lose the execution id.
source "$PJM_TEST_LIB"
NODE_DIR=$(cd "$(dirname "$PJM_TEST_LIB")/../node" && pwd)
command -v node >/dev/null || { echo "$TEST_NAME: node is not installed" >&2; exit 1; }
[ -d "$NODE_DIR/node_modules/@tapis/tapis-typescript-actors" ] || {
    echo "$TEST_NAME: the Tapis bindings are not installed: run scripts/install-deps" \
        "(npm ci --prefix tests/node)" >&2
    exit 1
}

STATIC=bindings-tapis-token-$RANDOM$RANDOM
printf '%s\n' "$STATIC" >"$WORK/tapis_tokens"
ACTOR=pjmtest
setup_job demo '{"n": 1}'
start_server --tapis-token-file "$WORK/tapis_tokens"

bindings() {
    PJM_BASE="$BASE" PJM_ACTOR="$ACTOR" PJM_TAPIS_TOKEN="$STATIC" PJM_JOB="$JOB" \
        PJM_JOB_TOKEN="$TOKEN" node "$NODE_DIR/actors_client.mjs" >"$OUT" 2>"$ERR"
    RC=$?
}
bindings
expect_rc 0 "the Tapis bindings against pjm serve"
expect_out "ok listWorkers: the worker that ran the message" "every check of the client ran"
check
grep -q '^FAIL' "$OUT" && fail "a check failed: $(grep '^FAIL' "$OUT")"
run --local --json status "$JOB"
expect_eq "$(json_field history.1.data)" '{"via": "bindings"}' "the bindings' message was applied"

stop_server
start_server --tapis-token-file "$WORK/tapis_tokens" --case snake
bindings
expect_rc 1 "with --case snake the bindings miss the execution id"
expect_out "FAIL the reply's result.executionId" "as a snake-case Abaco would leave them"

finish
