#!/usr/bin/env bash
# Every exit code (docs/protocol.md#exit-codes) that local mode can produce, each with the
# message that explains it on stderr; every refusal is repeated with --json, which must also
# print {"error": {"kind", "message"}} on stdout.
source "$PJM_TEST_LIB"

# case CODE KIND FRAGMENT WHAT ARGS… : pjm ARGS exits CODE with FRAGMENT on stderr; again with
# --json, stdout is the error document of KIND. CODE 0 takes "-" for KIND and FRAGMENT.
case_() {
    local code=$1 kind=$2 fragment=$3 what=$4
    shift 4
    run "$@"
    expect_rc "$code" "$what"
    [ "$code" -eq 0 ] && return
    expect_err "pjm: error: " "$what"
    expect_err "$fragment" "$what"
    run --json "$@"
    expect_rc "$code" "$what (--json)"
    expect_json_error "$kind" "$what (--json)"
}

setup_job demo '{"n": 1}'

# --- 0: done
case_ 0 - - "fsm" fsm
case_ 0 - - "event with the job's token" --local event run "$JOB" --token "$TOKEN"
case_ 0 - - "event with an admin token" --local event update "$JOB" --token "$ADMIN"
case_ 0 - - "version" --version

# --- 2: usage error
case_ 2 usage "unknown command 'bogus'" "unknown command" bogus
case_ 2 usage "did you mean 'event'?" "misspelt command" evnt run "$JOB"
case_ 2 usage "--bogus" "unknown option" --local status "$JOB" --bogus
case_ 2 usage "--pipeline is required" "missing required option" \
    --local create --archive-path /a
case_ 2 usage "--token must be the job's token" "a token of 4 characters" \
    --local event run "$JOB" --token abcd
case_ 2 usage "no job UUID" "no job UUID on the line nor in PJM_JOB_UUID" --local event run
case_ 2 usage "unknown state 'RUNING'" "bad --state value" --local list --state RUNING
case_ 2 usage "cannot read config file $WORK/nowhere.toml" "unreadable --config" \
    --config "$WORK/nowhere.toml" --local list
mkdir -p "$WORK/unreadable"
case_ 2 usage "cannot read config file $WORK/unreadable" "--config is a directory" \
    --config "$WORK/unreadable" --local list
printf 'database = "%s"\nlocal = maybe\n' "$PJM_DATABASE" >"$WORK/malformed.toml"
case_ 2 usage "malformed.toml, line 2" "malformed config file" \
    --config "$WORK/malformed.toml" --local list
printf 'colour = "blue"\n' >"$WORK/unknown.toml"
case_ 2 usage "unknown setting 'colour'" "unknown config key" --config "$WORK/unknown.toml" fsm
PJM_CONFIG="$WORK/unknown.toml" case_ 2 usage "unknown setting 'colour'" \
    "unknown key in the PJM_CONFIG file" fsm
case_ 2 usage "no command given" "no command at all"

# --- 3: invalid message
case_ 3 invalid "--data: invalid JSON" "invalid JSON in --data" \
    --local event run "$JOB" --token "$TOKEN" --data '{"n": '
case_ 3 invalid "/data" "--data that is an array" \
    --local event run "$JOB" --token "$TOKEN" --data '[1, 2]'
case_ 3 invalid "/uuid" "a pipeline UUID where a job UUID goes" \
    --local event run "$PIPELINE" --token "$TOKEN"
case_ 3 invalid "/pipeline_uuid" "create with a job UUID as pipeline" \
    --local create --pipeline "$JOB" --archive-path /a
case_ 3 invalid "/data" "create with data that is a string" \
    --local create --pipeline "$PIPELINE" --archive-path /a --data '"text"'
case_ 3 invalid "did you mean 'finish'" "misspelt event" --local event finnish "$JOB"
case_ 3 invalid "'create' is not an event" "create as an event" --local event create "$JOB"

# --- 4: not found
UNKNOWN_JOB=107aaaaa-bbbb-5ccc-8ddd-eeeeeeeeeeee
case_ 4 not_found "job $UNKNOWN_JOB not found" "event to an unknown job" \
    --local event run "$UNKNOWN_JOB" --token "$TOKEN"
case_ 4 not_found "job $UNKNOWN_JOB not found" "status of an unknown job" \
    --local status "$UNKNOWN_JOB"
case_ 4 not_found "pipeline 106aaaaa-bbbb-5ccc-8ddd-eeeeeeeeeeee not found" \
    "create for an unknown pipeline" \
    --local create --pipeline 106aaaaa-bbbb-5ccc-8ddd-eeeeeeeeeeee --archive-path /a

# --- 5: not authorized
case_ 5 unauthorized "needs a token" "event without a token" --local event update "$JOB"
case_ 5 unauthorized "neither this job's token nor a valid admin token" "wrong token" \
    --local event update "$JOB" --token 0123456789abcdef
case_ 5 unauthorized "'reset' needs a valid admin token" "job token for reset" \
    --local event reset "$JOB" --token "$TOKEN"
case_ 5 unauthorized "delete needs a valid admin token" "job token for delete" \
    --local delete "$JOB" --token "$TOKEN"
case_ 5 unauthorized "delete needs an admin token" "delete without a token" --local delete "$JOB"
run --local token verify 0123456789abcdef
expect_rc 5 "token verify of a bad token"
expect_err "token is not valid" "token verify of a bad token"
run --local token verify 0123456789abcdef --job "$JOB"
expect_rc 5 "token verify of a bad job token"
expect_err "not valid for that job, nor as an admin token" "token verify of a bad job token"
run --local token verify "$TOKEN" --job "$JOB"
expect_rc 0 "token verify of the job's token"
expect_out "valid: job token of $JOB" "token verify of the job's token"

# --- 6: conflict
case_ 6 conflict "'finalize' is not allowed in state RUNNING" "event not allowed in state" \
    --local event finalize "$JOB" --token "$TOKEN"
case_ 6 conflict "job $JOB already exists" "create twice" \
    --local create --pipeline "$PIPELINE" --archive-path /a --data '{"n": 1}'
case_ 6 conflict "pipeline $PIPELINE is already registered with the description ''" \
    "pipeline add again, another description" --local pipeline add --name demo --description x
# ready is only allowed from RESET: an admin event can be a conflict too.
case_ 6 conflict "'ready' is not allowed in state RUNNING" "ready outside RESET" \
    --local event ready "$JOB" --token "$ADMIN"
run --local delete "$JOB" --token "$ADMIN"
expect_rc 0 "soft delete"
case_ 6 conflict "has been deleted (hidden)" "event on a soft-deleted job" \
    --local event update "$JOB" --token "$TOKEN"
case_ 6 conflict "already deleted (hidden)" "soft delete twice" \
    --local delete "$JOB" --token "$ADMIN"
# Authorization comes before the conflict (docs/protocol.md#checks-and-their-order): a bad
# token on a hidden job is 5.
case_ 5 unauthorized "neither this job's token" "wrong token on a soft-deleted job" \
    --local event update "$JOB" --token 0123456789abcdef

# --- 4 again: a force-deleted job is gone
run --local delete "$JOB" --force --token "$ADMIN"
expect_rc 0 "force delete of a hidden job"
case_ 4 not_found "job $JOB not found" "event on a force-deleted job" \
    --local event update "$JOB" --token "$TOKEN"
case_ 4 not_found "job $JOB not found" "delete of a force-deleted job" \
    --local delete "$JOB" --force --token "$ADMIN"
case_ 4 not_found "not found" "token job of a force-deleted job" --local token job "$JOB"

# --- 7: remote failure (nothing listens on port 1 of loopback), nothing queued
case_ 7 remote "cannot reach the manager at http://127.0.0.1:1/actors/v2/A1" "client mode with --url" \
    --no-outbox --retries 0 --url http://127.0.0.1:1/actors/v2/A1/messages event run "$JOB" --token "$TOKEN"
PJM_TENANT_URL=http://127.0.0.1:1 PJM_ACTOR_ID=A1 PJM_RETRIES=0 case_ 7 remote \
    "nothing queued (--no-outbox)" "client mode with PJM_TENANT_URL and PJM_ACTOR_ID" \
    --no-outbox delete "$JOB" --token "$ADMIN"
case_ 7 remote "cannot reach the manager" "status --execution" \
    --retries 0 --url http://127.0.0.1:1/actors/v2/A1/messages status --execution 5kB0xNbz
case_ 2 usage "no manager configured" "status --execution without a manager" \
    status --execution 5kB0xNbz
check
[ ! -e "$XDG_STATE_HOME/pjm/outbox" ] || [ -z "$(ls -A "$XDG_STATE_HOME/pjm/outbox")" ] ||
    fail "exit 7 means nothing queued, yet the outbox has files"
# --- 75: not delivered now, safely queued
run --retries 0 --url http://127.0.0.1:1/actors/v2/A1/messages event run "$JOB" --token "$TOKEN"
expect_rc 75 "manager down, message queued"
expect_err "not delivered now" "75 explained"
expect_err "pjm outbox flush" "75 says what to do"
run --json --retries 0 --url http://127.0.0.1:1/actors/v2/A1/messages event run "$JOB" --token "$TOKEN"
expect_rc 75 "manager down, message queued (--json)"
expect_eq "$(json_field outcome)" "queued" "--json says queued"
QUEUED_ID=$(json_field outbox_id)
[ -f "$XDG_STATE_HOME/pjm/outbox/${QUEUED_ID}_$JOB.json" ] ||
    fail "--json names the queued file ($QUEUED_ID, as ID_JOB.json: $(ls "$XDG_STATE_HOME/pjm/outbox"))"
check
[ "$(ls "$XDG_STATE_HOME/pjm/outbox" | grep -c '\.json$')" -eq 2 ] ||
    fail "exit 75 twice (plain and --json) means two queued messages"
# Without any manager configured it is a usage error, not a remote failure.
case_ 2 usage "no manager configured" "client mode without a URL" event run "$JOB" --token "$TOKEN"

# --- 8: storage failure
mkdir -p "$WORK/a-directory"
case_ 8 storage "cannot open database $WORK/a-directory" "database path is a directory" \
    --local --db "$WORK/a-directory" pipeline list
printf 'these are not the bytes of a SQLite database, just some text; %0200d\n' 0 \
    >"$WORK/text.db"
before=$(sha256sum <"$WORK/text.db")
case_ 8 storage "file is not a database" "database that is not SQLite" \
    --local --db "$WORK/text.db" event run "$JOB" --token "$TOKEN"
expect_eq "$(sha256sum <"$WORK/text.db")" "$before" "the non-SQLite file is left as it was"
"$PJM" --local --db "$WORK/newer.db" pipeline add --name other >/dev/null
sqlite3 "$WORK/newer.db" 'PRAGMA user_version = 99'
case_ 8 storage "schema version 99" "database from a newer pjm" \
    --local --db "$WORK/newer.db" pipeline list
expect_err "upgrade pjm" "database from a newer pjm: says what to do"
expect_eq "$(sqlite3 "$WORK/newer.db" 'PRAGMA user_version')" "99" \
    "the newer database is not downgraded"

# --- operator safety: a mistyped --db is reported, not created
case_ 8 storage "no database at $WORK/typo/pjm.db" "status on a mistyped --db" \
    --local --db "$WORK/typo/pjm.db" status "$JOB"
case_ 8 storage "no database at $WORK/typo/pjm.db" "event on a mistyped --db" \
    --local --db "$WORK/typo/pjm.db" event run "$JOB" --token "$TOKEN"
check
[ ! -e "$WORK/typo" ] || fail "a mistyped --db must not create anything"
# An empty --data is a bad value, not "no data".
case_ 3 invalid "empty message" "--data ''" --local event update "$JOB" --token "$TOKEN" --data ''
# A refused token check is an error document with --json, like every other refusal.
case_ 5 unauthorized "token is not valid" "token verify of a bad token" \
    --local token verify ffffffffffffffff

# --- a file size limit (ulimit -f) never kills pjm: the event is reported, nothing half-written
BOX="$WORK/fsize-outbox"
# (stderr goes through a pipe: the limit applies to files, and pjm must be able to say why)
(ulimit -f 0 && exec "$PJM" --outbox "$BOX" --retries 0 --url http://127.0.0.1:1/actors/v2/A1/messages \
    event update "$JOB" --token "$TOKEN" --data '{"big": 1}') 2>&1 >/dev/null | cat >"$ERR"
RC=${PIPESTATUS[0]}
expect_rc 7 "an outbox message over ulimit -f: neither sent nor queued"
expect_err "cannot write to the outbox" "ulimit -f: says what failed"
check
[ -z "$(find "$BOX" -type f 2>/dev/null)" ] || fail "ulimit -f left files in the outbox: $(ls -A "$BOX")"
if [ "$TEST_BACKEND" = sqlite ]; then
    before=$(db_sum)
    (ulimit -f 1 && exec "$PJM" --local event update "$JOB" --token "$TOKEN" \
        --data "{\"pad\": \"$(head -c 20000 /dev/zero | tr '\0' x)\"}") 2>&1 >/dev/null | cat >"$ERR"
    RC=${PIPESTATUS[0]}
    expect_rc 8 "a local event over ulimit -f"
    expect_eq "$(db_sum)" "$before" "the database after a local event over ulimit -f"
fi

# --- a database file this user may only read can still be read (and refuses writes, exit 8)
if [ "$TEST_BACKEND" = sqlite ] && [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
    mkdir -p "$WORK/ro"
    "$PJM" --local --db "$WORK/ro/pjm.db" pipeline add --name readonly >/dev/null
    read -r RO_JOB RO_TOKEN < <("$PJM" --local --db "$WORK/ro/pjm.db" --json create \
        --pipeline "$("$PJM" --local --db "$WORK/ro/pjm.db" pipeline add --name readonly2)" \
        --archive-path /a | python3 -c 'import json,sys; d = json.load(sys.stdin); print(d["uuid"], d["token"])')
    chmod 0644 "$WORK/ro/pjm.db"
    chmod 0755 "$WORK" "$WORK/ro"
    as_nobody() {
        setpriv --reuid=nobody --regid=nogroup --clear-groups env HOME=/tmp "$PJM" --local \
            --db "$WORK/ro/pjm.db" "$@" >"$OUT" 2>"$ERR"
        RC=$?
    }
    as_nobody status "$RO_JOB"
    expect_rc 0 "status on a database this user may only read"
    expect_out "$RO_JOB" "status shows the job"
    as_nobody event run "$RO_JOB" --token "$RO_TOKEN"
    expect_rc 8 "an event on a read-only database"
    expect_err "readonly" "the error says the database is read-only"
    chmod 0700 "$WORK"
fi

# --- an import that fails while writing (here: a file size limit) writes nothing at all
if [ "$TEST_BACKEND" = sqlite ]; then
    SRC_DB="$WORK/import-src.db"
    SRC_P=$("$PJM" --local --db "$SRC_DB" pipeline add --name big)
    PAD=$(head -c 20000 /dev/zero | tr '\0' p)
    for i in $(seq 1 30); do
        "$PJM" --local --db "$SRC_DB" create --pipeline "$SRC_P" --archive-path "/a/$i" \
            --data "{\"pad\": \"$PAD\", \"i\": $i}" >/dev/null
    done
    "$PJM" --local --db "$SRC_DB" export -o "$WORK/big.ndjson" 2>/dev/null
    (ulimit -f 300 && exec "$PJM" --local --db "$WORK/import-dst.db" import "$WORK/big.ndjson") \
        2>&1 >/dev/null | cat >"$ERR"
    RC=${PIPESTATUS[0]}
    expect_rc 8 "an import that runs out of room while writing"
    expect_eq "$(sqlite3 "$WORK/import-dst.db" 'SELECT (SELECT count(*) FROM pipelines) || "," || (SELECT count(*) FROM jobs)')" \
        "0,0" "a failed import wrote no pipeline and no job"
fi

finish
