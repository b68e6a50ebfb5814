# Shared helpers for the end-to-end tests. Each test sources this file, gets its own empty
# folder and database, and calls the built binary ($PJM) exactly as a shell script would.
set -u
: "${PJM:?PJM must point at the built pjm binary}"

TEST_NAME=$(basename "$0" .sh)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/pjm-${TEST_NAME}.XXXXXX")
export HOME="$WORK/home" XDG_DATA_HOME="$WORK/data" XDG_CONFIG_HOME="$WORK/config" XDG_STATE_HOME="$WORK/state"
mkdir -p "$HOME"
# Nothing from the developer's environment leaks into a test (the harness's PJM_TEST_* stay).
for v in $(env | grep -o '^PJM_[A-Z_]*' | grep -v '^PJM_TEST_'); do unset "$v"; done
export PJM_DATABASE="$WORK/pjm.db"

# The backend under test: PJM_TEST_BACKEND=postgres (CTest's cli.<name>.postgres) puts the job
# database in a fresh PostgreSQL database on the server of PJM_TEST_POSTGRES_URL (scripts/test
# starts one) instead of a SQLite file.
TEST_BACKEND=${PJM_TEST_BACKEND:-sqlite}
PG_PREFIX="pjm_${TEST_NAME}_$$_" # the PostgreSQL databases made for this test, dropped when it passes
# pg_url NAME : the test server's URL for database NAME.
pg_url() { echo "${PJM_TEST_POSTGRES_URL%/*}/$1"; }
need_postgres() {
    if [ -z "${PJM_TEST_POSTGRES_URL:-}" ]; then
        echo "$TEST_NAME: PJM_TEST_POSTGRES_URL is not set, so this PostgreSQL test cannot run;" \
            "run the tests through ./scripts/test (or scripts/with-postgres ctest …), which" \
            "start a throwaway PostgreSQL server" >&2
        exit 1
    fi
}
# new_postgres_database NAME : creates an empty PostgreSQL database, prints its URL.
new_postgres_database() {
    need_postgres
    local name="$PG_PREFIX$1"
    touch "$WORK/.postgres-used" # (this runs in a subshell: a file tells finish to clean up)
    psql "$PJM_TEST_POSTGRES_URL" -XqAt -v ON_ERROR_STOP=1 \
        -c "CREATE DATABASE \"$name\" STRATEGY FILE_COPY" >/dev/null ||
        { echo "$TEST_NAME: cannot create the PostgreSQL database $name" >&2; exit 1; }
    pg_url "$name"
}
# new_database NAME : prints the --db of a new, empty database on the backend under test.
new_database() {
    if [ "$TEST_BACKEND" = postgres ]; then new_postgres_database "$1"; else echo "$WORK/$1.db"; fi
}
if [ "$TEST_BACKEND" = postgres ]; then
    need_postgres
    PJM_DATABASE=$(new_database main) || exit 1
    export PJM_DATABASE
fi
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

# whole_status JOB : `pjm --local --json status JOB` with the whole history, read page by page
# (a read shows at most 1,000 entries); exits non-zero when a read fails.
whole_status() {
    python3 - "$PJM" "$1" <<'PY'
import json, subprocess, sys
pjm, job = sys.argv[1], sys.argv[2]
doc, before, entries = None, None, []
while True:
    cmd = [pjm, "--local", "--json", "status", job, "--history", "1000"]
    if before:
        cmd += ["--before", str(before)]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        sys.exit(done.returncode)
    page = json.loads(done.stdout)
    doc = doc or page
    entries = page["history"] + entries
    if page["history_start"] <= 1:
        break
    before = page["history_start"]
doc["history"], doc["history_start"] = entries, 1
print(json.dumps(doc, indent=2))
PY
}

# db_query SQL : rows of a query on the job database ($PJM_DATABASE), columns joined by '|',
# on either backend (write SQL both understand).
db_query() {
    case "$PJM_DATABASE" in
    postgres://* | postgresql://*) psql "$PJM_DATABASE" -XqAt -v ON_ERROR_STOP=1 -c "$1" ;;
    *) sqlite3 "$PJM_DATABASE" "$1" ;;
    esac
}
# db_dump : the whole content of the job database as text, in a stable order, to compare
# before and after (SQLite: .dump; PostgreSQL: every pjm table, ordered by its key, in one psql).
db_dump() {
    case "$PJM_DATABASE" in
    postgres://* | postgresql://*)
        local t args=()
        for t in "pjm_schema_migrations ORDER BY version" "settings ORDER BY key" \
            "pipelines ORDER BY uuid" "jobs ORDER BY uuid" "history ORDER BY job_uuid, seq" \
            "executions ORDER BY id" "execution_totals ORDER BY actor_id, worker_id" \
            "callback_receipts ORDER BY job_uuid, dedupe_key" \
            "scheduler_claims ORDER BY claim_key, job_uuid"; do
            args+=(-c "\\echo -- ${t%% *}" -c "SELECT * FROM $t")
        done
        psql "$PJM_DATABASE" -XqAt -v ON_ERROR_STOP=1 "${args[@]}" 2>&1
        ;;
    *) sqlite3 "$PJM_DATABASE" .dump ;;
    esac
}
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
    echo "$TEST_NAME: all $CHECKS checks passed (on $TEST_BACKEND)"
    if [ -e "$WORK/.postgres-used" ]; then
        local name
        for name in $(psql "$PJM_TEST_POSTGRES_URL" -XqAt \
            -c "SELECT datname FROM pg_database WHERE starts_with(datname, '$PG_PREFIX')"); do
            psql "$PJM_TEST_POSTGRES_URL" -XqAt -c "DROP DATABASE IF EXISTS \"$name\" WITH (FORCE)" \
                >/dev/null 2>&1
        done
    fi
    rm -rf "$WORK"
    exit 0
}

# --- pjm serve on a free port of 127.0.0.1 ---
# start_server ARGS… : starts `pjm serve --actor-id $ACTOR ARGS…` (stderr in $LOG), waits until
# /healthz answers; sets SERVER_PID, BASE (http://127.0.0.1:PORT, https:// with --tls-cert) and
# URL (BASE/actors/v2/ACTOR). The server is stopped when the test exits, or by stop_server.
LOG="$WORK/serve.log"
SERVER_PID=""
stop_server() {
    local pid
    for pid in $SERVER_PID ${OTHER_SERVER_PIDS:-}; do
        kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    done
    OTHER_SERVER_PIDS=""
    return 0
}
# start_other_server ARGS… : one more pjm serve on the same database (after start_server);
# sets OTHER_URL to its actor URL. stop_server stops it too.
start_other_server() {
    local log="$WORK/serve-other-$RANDOM.log" i port=""
    "$PJM" serve --listen 127.0.0.1:0 --actor-id "$ACTOR" "$@" 2>"$log" &
    OTHER_SERVER_PIDS="${OTHER_SERVER_PIDS:-} $!"
    for i in $(seq 1 200); do
        port=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$log")
        [ -n "$port" ] && break
        sleep 0.05
    done
    [ -n "$port" ] || { echo "$TEST_NAME: the other server did not start:" >&2; cat "$log" >&2; exit 1; }
    for i in $(seq 1 100); do
        curl -sf -o /dev/null "http://127.0.0.1:$port/healthz" && break
        sleep 0.05
    done
    OTHER_URL="http://127.0.0.1:$port/actors/v2/$ACTOR"
}
start_server() {
    : >"$LOG"
    "$PJM" serve --listen 127.0.0.1:0 --actor-id "$ACTOR" "$@" 2>"$LOG" &
    SERVER_PID=$!
    trap stop_server EXIT
    local i port="" scheme=""
    for i in $(seq 1 100); do
        read -r scheme port < <(sed -n 's|.*listening on \(https*\)://127.0.0.1:\([0-9]*\)/.*|\1 \2|p' "$LOG")
        [ -n "$port" ] && break
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.05
    done
    [ -n "$port" ] || { echo "$TEST_NAME: the server did not start:" >&2; cat "$LOG" >&2; exit 1; }
    BASE="$scheme://127.0.0.1:$port"
    URL="$BASE/actors/v2/$ACTOR"
    for i in $(seq 1 100); do
        # (-k: this only asks whether it answers; the TLS tests verify the certificate.)
        [ "$(curl -sk -o /dev/null -w '%{http_code}' "$BASE/healthz")" = 200 ] && return
        sleep 0.05
    done
    echo "$TEST_NAME: /healthz never answered" >&2
    exit 1
}

# --- Helpers of the exit-code, bad-input, settings, dry-run and help tests ---

# A checksum of the database's content through its dump (not its bytes: WAL files change them).
db_sum() { db_dump | sha256sum | cut -d' ' -f1; }
# text_sum TEXT : the same checksum of a dump taken already (one dump, not two: psql is slow).
text_sum() { printf '%s\n' "$1" | sha256sum | cut -d' ' -f1; }

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
