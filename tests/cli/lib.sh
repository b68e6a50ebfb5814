# Shared helpers for the end-to-end tests. Each test sources this file, gets its own empty
# folder and database, and calls the built binary ($PJM) exactly as a shell script would.
set -u
: "${PJM:?PJM must point at the built pjm binary}"

TEST_NAME=$(basename "$0" .sh)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/pjm-${TEST_NAME}.XXXXXX")
export HOME="$WORK/home" XDG_DATA_HOME="$WORK/data" XDG_CONFIG_HOME="$WORK/config" XDG_STATE_HOME="$WORK/state"
mkdir -p "$HOME"
# Nothing from the developer's environment leaks into a test.
for v in $(env | grep -o '^PJM_[A-Z_]*' | grep -v '^PJM_TEST_LIB$'); do unset "$v"; done
export PJM_DATABASE="$WORK/pjm.db"
FAILURES=0
CHECKS=0

OUT="$WORK/stdout" ERR="$WORK/stderr"
# run ARGS… : runs pjm, keeping stdout, stderr and the exit code ($RC).
run() {
    "$PJM" "$@" >"$OUT" 2>"$ERR"
    RC=$?
}
# run_in FILE ARGS… : the same with FILE as stdin.
run_in() {
    local input=$1
    shift
    "$PJM" "$@" <"$input" >"$OUT" 2>"$ERR"
    RC=$?
}

fail() {
    FAILURES=$((FAILURES + 1))
    echo "FAIL: $*" >&2
    echo "  stdout: $(head -c 600 "$OUT" 2>/dev/null)" >&2
    echo "  stderr: $(head -c 600 "$ERR" 2>/dev/null)" >&2
}
check() { CHECKS=$((CHECKS + 1)); }

expect_rc() { # expect_rc CODE WHAT
    check
    [ "$RC" -eq "$1" ] || fail "$2: exit $RC, expected $1"
}
expect_out() { # expect_out TEXT WHAT (stdout contains TEXT)
    check
    grep -qF -- "$1" "$OUT" || fail "$2: stdout lacks '$1'"
}
expect_err() { # expect_err TEXT WHAT (stderr contains TEXT)
    check
    grep -qF -- "$1" "$ERR" || fail "$2: stderr lacks '$1'"
}
expect_eq() { # expect_eq ACTUAL EXPECTED WHAT
    check
    [ "$1" = "$2" ] || fail "$3: got '$1', expected '$2'"
}
expect_empty_out() {
    check
    [ ! -s "$OUT" ] || fail "$1: stdout not empty"
}

# Reads a field of the JSON document on stdout: json_field uuid / json_field history.0.name
json_field() {
    python3 -c '
import json, sys
v = json.load(open(sys.argv[1]))
for part in sys.argv[2].split("."):
    v = v[int(part)] if isinstance(v, list) else v[part]
print(v if not isinstance(v, (dict, list, bool)) else json.dumps(v))
' "$OUT" "$1"
}

db_dump() { sqlite3 "$PJM_DATABASE" .dump; }
# A pipeline and a job to work on: sets PIPELINE, JOB, TOKEN, ADMIN.
setup_job() {
    PIPELINE=$("$PJM" --local pipeline add --name "${1:-demo}") || { echo "setup failed" >&2; exit 1; }
    local data=${2:-}
    [ -n "$data" ] || data='{"n": 1}'
    run --local --json create --pipeline "$PIPELINE" --archive-path /archive/run1 --data "$data"
    [ "$RC" -eq 0 ] || { cat "$ERR" >&2; exit 1; }
    JOB=$(json_field uuid)
    TOKEN=$(json_field token)
    ADMIN=$("$PJM" --local token admin)
}

finish() {
    if [ "$FAILURES" -gt 0 ]; then
        echo "$TEST_NAME: $FAILURES of $CHECKS checks failed (work folder kept: $WORK)" >&2
        exit 1
    fi
    echo "$TEST_NAME: all $CHECKS checks passed"
    rm -rf "$WORK"
    exit 0
}

# --- Helpers of the exit-code, bad-input, settings, dry-run and help tests ---

# A checksum of the database's content through its dump (not its bytes: WAL files change them).
db_sum() { db_dump | sha256sum | cut -d' ' -f1; }

expect_err_nonempty() { # expect_err_nonempty WHAT (stderr holds a message)
    check
    [ -s "$ERR" ] || fail "$1: stderr is empty"
}

expect_absent() { # expect_absent TEXT WHAT (neither stdout nor stderr contains TEXT)
    check
    ! grep -qF -- "$1" "$OUT" "$ERR" || fail "$2: '$1' appears in the output"
}

# expect_json_error KIND WHAT: stdout is one document {"error": {"kind": KIND, "message": M}}
# and stderr shows the same M after "pjm: error: ".
expect_json_error() {
    check
    python3 - "$OUT" "$ERR" "$1" <<'PY' || fail "$2: stdout is not one JSON error of kind $1"
import json, sys
doc = json.load(open(sys.argv[1]))  # refuses a second document or trailing text
err = open(sys.argv[2], encoding="utf-8", errors="replace").read()
assert set(doc) == {"error"} and set(doc["error"]) == {"kind", "message"}, doc
assert doc["error"]["kind"] == sys.argv[3], doc
assert doc["error"]["message"] and "pjm: error: " + doc["error"]["message"] in err, (doc, err)
PY
}
