#!/usr/bin/env bash
# Admin work without the database: pjm serve's admin routes (docs/protocol.md#admin-routes),
# opened by a separate admin credential (--admin-credential-file), let an operator register
# pipelines and get admin tokens with pjm in client mode. The message credentials do not open
# them, --no-auth does not open them, the admin credential is never logged, and SIGHUP rotates
# it like the other credentials.
source "$PJM_TEST_LIB"

ACTOR=adm
BEARER="bearer-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
ADMIN_CRED="admin-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
printf '%s\n' "$BEARER" >"$WORK/bearers"
printf '# operators\n%s\n' "$ADMIN_CRED" >"$WORK/admins"
printf '%s\n' "$ADMIN_CRED" >"$WORK/admin-credential"
chmod 600 "$WORK/bearers" "$WORK/admins" "$WORK/admin-credential"
start_server --bearer-file "$WORK/bearers" --admin-credential-file "$WORK/admins"
export PJM_URL="$URL/messages" PJM_BEARER_TOKEN=$BEARER

# --- Without the admin credential: a usage error that says what to set; nothing registered.
run pipeline add --name remote-demo
expect_rc 2 "pipeline add through the manager without the admin credential"
expect_err "PJM_ADMIN_CREDENTIAL_FILE" "the error says how to give the admin credential"
expect_eq "$(db_query "SELECT count(*) FROM pipelines")" "0" "nothing registered"

# --- With it: registered, idempotent, conflicts refused.
export PJM_ADMIN_CREDENTIAL_FILE="$WORK/admin-credential"
run pipeline add --name remote-demo --description "from afar"
expect_rc 0 "pipeline add through the manager"
P=$(cat "$OUT")
expect_eq "$(db_query "SELECT uuid FROM pipelines WHERE name = 'remote-demo'")" "$P" "the manager's database has it"
run pipeline add --name remote-demo --description "from afar"
expect_rc 0 "the same registration again"
expect_eq "$(cat "$OUT")" "$P" "the same UUID again"
run pipeline add --name remote-demo --description "other"
expect_rc 6 "another description under the same UUID"
expect_err "already registered" "the conflict is explained"
run --json pipeline add --name second
expect_rc 0 "pipeline add --json through the manager"
expect_eq "$(json_field name)" "second" "the JSON document is the pipeline"

# --- Listing: the message credentials do; the admin credential does too.
(unset PJM_ADMIN_CREDENTIAL_FILE; run --json pipeline list; echo "$RC" >"$WORK/rc")
expect_eq "$(cat "$WORK/rc")" "0" "pipeline list with the bearer token only"
expect_out "\"uuid\": \"$P\"" "the list holds the pipeline"
run pipeline list
expect_rc 0 "pipeline list with the admin credential"
expect_out "remote-demo" "the table names it"

# --- A job for it, by name (client mode derives the UUID from the name).
run --json create --pipeline remote-demo --archive-path /a --data '{"n": 1}'
expect_rc 0 "create by name through the manager"
JOB=$(json_field uuid)
TOKEN=$(json_field token)
expect_eq "$(db_query "SELECT pipeline_uuid FROM jobs WHERE uuid = '$JOB'")" "$P" "the job has that pipeline"

# --- Admin tokens from the manager (its database's own secret here).
run --json token admin
expect_rc 0 "token admin from the manager"
ADMIN_TOKEN=$(json_field token)
check
[[ $ADMIN_TOKEN =~ ^[0-9a-f]{16}$ ]] || fail "not an admin token: '$ADMIN_TOKEN'"
expect_out '"expires"' "the reply says when it expires"
run --local token verify "$ADMIN_TOKEN"
expect_rc 0 "the database's secret accepts the manager's admin token"
run event run "$JOB" --token "$TOKEN"
expect_rc 0 "run"
run event reset "$JOB" --token "$ADMIN_TOKEN"
expect_rc 0 "reset with the admin token from the manager"
run token admin --at 1700000000
expect_rc 2 "--at with a token from the manager"
expect_err "the manager makes its own" "--at is refused with a reason"

# --- The admin routes refuse everyone else, on both trees, and never log the credential.
code() { curl -s -o "$WORK/body" -w '%{http_code}' "$@"; }
expect_eq "$(code -X POST -H "Authorization: Bearer $BEARER" --data '{"name": "x"}' "$URL/pipelines")" \
    401 "a message bearer token does not open POST pipelines"
expect_eq "$(code -X POST -H "Authorization: Bearer $BEARER" "$URL/admin-token")" \
    401 "nor the admin-token route"
expect_eq "$(code -X POST -H "Authorization: Bearer wrong-admin-credential" "$URL/admin-token")" \
    401 "an unknown admin credential"
expect_eq "$(code -X POST "$URL/admin-token")" 401 "no credential at all"
expect_eq "$(code -X POST -H "Authorization: Bearer $ADMIN_CRED" "$BASE/v3/actors/$ACTOR/admin-token")" \
    200 "the admin credential works under /v3/actors too"
expect_eq "$(code -X POST -H "Authorization: Bearer $ADMIN_CRED" --data '{"name": "x", "colour": 1}' "$URL/pipelines")" \
    400 "an unknown field in a pipeline"
expect_eq "$(code -X POST -H "Authorization: Bearer $ADMIN_CRED" --data '[1]' "$URL/pipelines")" \
    400 "a pipeline that is not an object"
expect_eq "$(db_query "SELECT count(*) FROM pipelines")" "2" "refusals registered nothing"
check
grep -q "admin-1 registered pipeline $P" "$LOG" || fail "the log does not say who registered $P"
check
! grep -qF "$ADMIN_CRED" "$LOG" || fail "the admin credential appears in the log"

# --- SIGHUP rotates the admin credential.
NEW_CRED="admin-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
printf '%s\n' "$NEW_CRED" >"$WORK/admins"
kill -HUP "$SERVER_PID"
for _ in $(seq 100); do grep -q "SIGHUP: reloaded" "$LOG" && break; sleep 0.05; done
expect_eq "$(code -X POST -H "Authorization: Bearer $ADMIN_CRED" "$URL/admin-token")" 401 "the old admin credential after SIGHUP"
expect_eq "$(code -X POST -H "Authorization: Bearer $NEW_CRED" "$URL/admin-token")" 200 "the new one"
stop_server

# --- --no-auth opens the message routes, never the admin ones; without the file they are closed.
start_server --no-auth
expect_eq "$(code -X POST -H "Authorization: Bearer $ADMIN_CRED" "$URL/admin-token")" 401 "no admin routes without the file"
check
grep -q "admin routes are closed" "$WORK/body" || fail "the refusal does not say the routes are closed"
stop_server
printf 'short\n' >"$WORK/admins"
run serve --listen 127.0.0.1:0 --actor-id "$ACTOR" --no-auth --admin-credential-file "$WORK/admins"
expect_rc 2 "an admin credential too short to be safe"
expect_err "admin credential file" "the error names the file"
finish
