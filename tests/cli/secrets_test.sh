#!/usr/bin/env bash
# Secrets never shown: a scenario with distinctive values for the bearer token, the nonce, job
# tokens, an admin token, a wrong bearer and the admin secret (the database's own, from its
# settings table, and one set in a config file), through local mode with -v and -vv
# (successes, refusals, --json, --dry-run, a truncated message), client mode against a real
# `pjm -v serve` (bearer and nonce, JSON body and URL parameters, --wait, --json, refusals, an
# unknown bearer), a manager that is down (exit 75 with the message queued, exit 7 with
# --no-outbox), `outbox list`, `outbox flush -v` (refused, then delivered), and raw requests
# carrying the secrets in headers and in the query string (x-nonce=…, token=…, spelt in other
# cases and %-encoded). Every stdout, stderr, reply body and the server's log is kept and
# grepped for every secret at the end: none may appear, except where printing a token is the
# command's purpose (listed in ALLOWED below). Outbox files: never the bearer or the nonce; a
# job token only inside the queued message (its body, or the query string of a message sent in
# the URL-parameter form, which is that message's parameters); files 0600, the folder 0700.
source "$PJM_TEST_LIB"
command -v curl >/dev/null || { echo "secrets_test: curl is not installed" >&2; exit 1; }

BEARER=SECRETbearer$RANDOM$RANDOM$RANDOM-77aa
NONCE=SECRETnonce$RANDOM$RANDOM$RANDOM-88bbcc
WRONG_BEARER=SECRETwrongbearer$RANDOM$RANDOM
CONFIG_SECRET=SECRETconfigadmin$RANDOM$RANDOM
ACTOR=secrets
CAP="$WORK/captured"
mkdir -p "$CAP"
printf '%s\n' "$BEARER" >"$WORK/bearers"
printf '%s\n' "$NONCE" >"$WORK/nonces"

# capture LABEL ARGS… : runs pjm, keeping stdout and stderr in $CAP/LABEL.out and .err (and in
# $OUT and $ERR for the expect_* helpers), the exit code in $RC.
capture() {
    local label=$1
    shift
    "$PJM" "$@" >"$CAP/$label.out" 2>"$CAP/$label.err"
    RC=$?
    cp "$CAP/$label.out" "$OUT"
    cp "$CAP/$label.err" "$ERR"
}
# capture_env LABEL VAR=VALUE… -- ARGS… : the same with variables set for this run only.
capture_env() {
    local label=$1 vars=()
    shift
    while [ "$1" != -- ]; do
        vars+=("$1")
        shift
    done
    shift
    env "${vars[@]}" "$PJM" "$@" >"$CAP/$label.out" 2>"$CAP/$label.err"
    RC=$?
    cp "$CAP/$label.out" "$OUT"
    cp "$CAP/$label.err" "$ERR"
}

# --- Jobs and tokens (the outputs whose purpose is a token are allowed to show it) ------------
PIPELINE=$("$PJM" --local pipeline add --name secrets) || exit 1
capture create-local --local --json create --pipeline "$PIPELINE" --archive-path /a --data '{"n": 1}'
expect_rc 0 "create (local)"
JOB=$(json_field uuid)
TOKEN=$(json_field token)
capture create-local-2 --local create --pipeline "$PIPELINE" --archive-path /a --data '{"n": 2}'
expect_rc 0 "create (local, text)"
JOB2=$(sed -n 's/^created job //p' "$OUT")
TOKEN2=$(sed -n 's/^token \([0-9a-f]*\) .*/\1/p' "$OUT")
capture token-admin --local token admin
expect_rc 0 "token admin"
ADMIN=$(cat "$OUT")
capture token-job --local token job "$JOB"
expect_eq "$(cat "$OUT")" "$TOKEN" "token job prints the job's token"
ADMIN_SECRET=$(db_query "SELECT value FROM settings WHERE key = 'admin_secret'")
for v in "$TOKEN" "$TOKEN2" "$ADMIN" "$ADMIN_SECRET" "$JOB2"; do
    [ -n "$v" ] || { echo "secrets_test: setup failed" >&2; exit 1; }
done

# --- Local mode, -v and -vv ---------------------------------------------------------------------
capture local-run -v --local event run "$JOB" --token "$TOKEN" --data '{"step": 1}'
expect_rc 0 "local event -v"
expect_err "opening database" "-v traces"
capture local-conflict -vv --local event finalize "$JOB" --token "$TOKEN"
expect_rc 6 "local conflict -vv"
capture local-other-token -v --local event update "$JOB" --token "$TOKEN2"
expect_rc 5 "local: another job's token"
capture local-json-admin -v --local --json event reset "$JOB" --token "$TOKEN"
expect_rc 5 "local --json: reset with a job token"
capture local-dry-run -vv --local --dry-run event update "$JOB" --token "$TOKEN" --data '{"d": 1}'
expect_rc 0 "local --dry-run"
expect_out "<redacted>" "--dry-run shows the token redacted"
printf '{"uuid": "%s", "name": "update", "token": "%s' "$JOB" "$TOKEN" >"$WORK/cut.json"
capture local-cut -v --local handle "$WORK/cut.json"
expect_rc 3 "local: a message cut inside its token"
printf '{"uuid": "%s", "name": "update", "token": "%s", "data": {"a": 1, "a": 2}}' "$JOB" "$TOKEN" >"$WORK/dup.json"
capture local-dup -v --local --json handle "$WORK/dup.json"
expect_rc 3 "local: a duplicate key"
capture local-query -v --local handle "$WORK/dup.json" --query "token=$TOKEN2&token=$TOKEN"
expect_rc 3 "local: the token twice in --query"
capture local-verify -v --local token verify "$TOKEN" --job "$JOB"
expect_rc 0 "token verify"
capture local-verify-admin -v --local token verify "$ADMIN"
expect_rc 0 "token verify (admin)"
capture local-status -vv --local --json status "$JOB"
expect_rc 0 "local status"
capture local-list -vv --local list --all
expect_rc 0 "local list"
capture local-exec -v --local exec --token "$TOKEN2" "$JOB2" -- true
expect_rc 0 "local exec"
# Every secret setting from the environment and from a config file, traced by -vv: redacted.
cat >"$WORK/config.toml" <<EOF
bearer_token = "$BEARER"
nonce = "$NONCE"
admin_secret = "$CONFIG_SECRET"
EOF
capture_env local-config PJM_TOKEN="$TOKEN" PJM_NONCE="$NONCE" -- \
    -vv --config "$WORK/config.toml" --local status "$JOB"
expect_rc 0 "local status with secrets in the config file and the environment"
expect_err "setting" "-vv lists the settings"

# --- Client mode against pjm serve -v -----------------------------------------------------------
SERVER_PID=""
trap '[ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null' EXIT
LOG="$WORK/serve.log"
"$PJM" -v serve --listen 127.0.0.1:0 --actor-id "$ACTOR" --bearer-file "$WORK/bearers" \
    --nonce-file "$WORK/nonces" >"$CAP/serve.out" 2>"$LOG" &
SERVER_PID=$!
PORT=""
for _ in $(seq 1 200); do
    PORT=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$LOG")
    [ -n "$PORT" ] && break
    sleep 0.05
done
[ -n "$PORT" ] || { echo "secrets_test: the server did not start" >&2; cat "$LOG" >&2; exit 1; }
URL="http://127.0.0.1:$PORT/actors/v2/$ACTOR/messages"
A="http://127.0.0.1:$PORT/actors/v2/$ACTOR"

capture client-bearer -v --url "$URL" --bearer "$BEARER" event update "$JOB" --token "$TOKEN" --data '{"c": 1}'
expect_rc 0 "client -v with a bearer token"
expect_err "Authorization: <redacted>" "-v shows the header redacted"
capture_env client-bearer-env PJM_BEARER_TOKEN="$BEARER" PJM_TOKEN="$TOKEN" -- \
    -vv --url "$URL" --json event update "$JOB" --data '{"c": 2}'
expect_rc 0 "client -vv --json, bearer and token from the environment"
capture_env client-nonce PJM_NONCE="$NONCE" -- \
    -vv --url "$URL" --wait event update "$JOB" --token "$TOKEN" --data '{"c": 3}'
expect_rc 0 "client -vv --wait with a nonce"
expect_err "x-nonce=<redacted>" "-vv shows the nonce redacted"
capture_env client-url-params PJM_NONCE="$NONCE" -- \
    -vv --url "$URL" event update "$JOB" --token "$TOKEN" --url-params --data '{"c": 4}'
expect_rc 0 "client -vv --url-params with a nonce"
capture client-nonce-in-url -v --url "$URL?x-nonce=$NONCE" event update "$JOB" --token "$TOKEN"
expect_rc 0 "client with the nonce in --url"
capture client-dry-run -vv --url "$URL" --bearer "$BEARER" --dry-run event update "$JOB" --token "$TOKEN"
expect_rc 0 "client --dry-run"
capture client-conflict -vv --url "$URL" --bearer "$BEARER" event finalize "$JOB" --token "$TOKEN"
expect_rc 6 "client: refused by the server"
capture client-conflict-json -v --url "$URL" --bearer "$BEARER" --json event finalize "$JOB" --token "$TOKEN"
expect_rc 6 "client --json: refused by the server"
capture client-wrong-token -v --url "$URL" --bearer "$BEARER" event update "$JOB" --token "$TOKEN2"
expect_rc 5 "client: another job's token"
capture client-wrong-bearer -vv --url "$URL" --bearer "$WRONG_BEARER" --no-outbox event update "$JOB" --token "$TOKEN"
expect_rc 7 "client: an unknown bearer token (--no-outbox)"
capture client-wrong-nonce -vv --url "$URL" --nonce "$WRONG_BEARER" --no-outbox event update "$JOB" --token "$TOKEN"
expect_rc 7 "client: an unknown nonce (--no-outbox)"
capture client-cut -v --url "$URL" --bearer "$BEARER" handle "$WORK/cut.json"
capture client-status -vv --url "$URL" --nonce "$NONCE" --json status "$JOB"
expect_rc 0 "client status"
capture client-list -vv --url "$URL" --bearer "$BEARER" list
expect_rc 0 "client list"
capture client-create -v --url "$URL" --bearer "$BEARER" create --pipeline "$PIPELINE" --archive-path /c --data '{"n": 3}'
expect_rc 0 "client create"
JOB3=$(sed -n 's/^created job //p' "$OUT")
TOKEN3=$(sed -n 's/^token \([0-9a-f]*\) .*/\1/p' "$OUT")
check
[[ "$TOKEN3" =~ ^[0-9a-f]{16}$ ]] || fail "client create prints the new job's token"
capture client-delete -v --url "$URL" --bearer "$BEARER" delete "$JOB3" --token "$ADMIN"
expect_rc 0 "client delete with the admin token"
capture client-exec -v --url "$URL" --bearer "$BEARER" exec --token "$TOKEN2" "$JOB2" -- true
expect_rc 0 "client exec on a finished job: the command's status"
expect_err "was not recorded" "client exec on a finished job: run refused"

# Raw requests with the secrets in headers and in the query string; every reply kept.
n=0
raw_request() { # raw_request CURL-ARGS… : the reply body in $CAP/curl-N.body
    n=$((n + 1))
    curl -s -o "$CAP/curl-$n.body" "$@" 2>"$CAP/curl-$n.err"
}
raw_request -H "Authorization: Bearer $BEARER" --data "{\"uuid\": \"$JOB\", \"name\": \"update\", \"token\": \"$TOKEN\"}" "$URL"
raw_request -H "Authorization: Bearer $BEARER" --data "{\"uuid\": \"$JOB\", \"name\": \"finalize\", \"token\": \"$TOKEN\"}" "$URL"
raw_request -H "Authorization: Bearer $BEARER" --data "{\"uuid\": \"$JOB\", \"name\": \"update\", \"token\": \"$TOKEN2\"}" "$URL"
raw_request -H "Authorization: Bearer $BEARER" --data "{\"uuid\": \"$JOB\", \"name\": \"update\", \"token\": \"$TOKEN" "$URL"
raw_request -H "Authorization: Bearer $BEARER" -H 'Content-Type: application/x-www-form-urlencoded' \
    --data "uuid=$JOB&name=update&token=$TOKEN" "$URL"
raw_request --data '{}' "$URL?uuid=$JOB&name=update&token=$TOKEN&x-nonce=$NONCE"
raw_request --data '{}' "$URL?uuid=$JOB&name=finalize&token=$TOKEN&x-nonce=$NONCE"
raw_request --data '{}' "$URL?uuid=$JOB&name=update&token=$TOKEN&X-NONCE=$NONCE"
raw_request --data '{}' "$URL?uuid=$JOB&name=update&Token=$TOKEN&x%2Dnonce=$NONCE"
raw_request --data '{}' "$URL?uuid=$JOB&name=update&token=$TOKEN&token=$TOKEN2&x-nonce=$NONCE"
raw_request --data '{}' "$URL?uuid=$JOB&name=update&token=$TOKEN&x-nonce=$NONCE&x-nonce=$WRONG_BEARER"
raw_request --data '{}' "$URL?uuid=$JOB&name=update&token=$TOKEN&x-nonce=%zz$NONCE"
raw_request -H "Authorization: Bearer $WRONG_BEARER" --data '{}' "$URL"
raw_request -H "Authorization: Basic $(printf 'u:%s' "$BEARER" | base64 -w0)" --data '{}' "$URL"
raw_request -H "Authorization: Bearer $BEARER" "$A/jobs/$JOB"
raw_request "$A/jobs?x-nonce=$NONCE"
raw_request -X PUT -H "Authorization: Bearer $BEARER" --data "{\"token\": \"$TOKEN\"}" "$URL?x-nonce=$NONCE"
raw_request -H "Authorization: Bearer $BEARER" "$A/executions/AAAAAAAAAAAAAAAA?token=$TOKEN"
# The server logged every one of those, and says what each outcome was (-v).
check
grep -q "x-nonce=<redacted>" "$LOG" || fail "the server's log shows the query with the nonce redacted"
check
grep -q "token=<redacted>" "$LOG" || fail "the server's log shows the query with the token redacted"

# --- A manager that is down: exit 75 and the outbox; --no-outbox: exit 7 ----------------------
DOWN="http://127.0.0.1:$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')/actors/v2/$ACTOR/messages"
export PJM_OUTBOX="$WORK/outbox" PJM_RETRIES=0 PJM_RETRY_MAX_TIME=1
capture_env down-bearer PJM_RETRIES=1 -- \
    -vv --url "$DOWN" --bearer "$BEARER" event update "$JOB" --token "$TOKEN" --data '{"q": 1}'
expect_rc 75 "manager down: queued"
expect_err "retry 1 in" "-vv traces the retry"
capture_env down-nonce PJM_NONCE="$NONCE" -- \
    -v --url "$DOWN?x-nonce=$NONCE" event update "$JOB" --token "$TOKEN" --data '{"q": 2}'
expect_rc 75 "manager down, the nonce in the URL: queued"
capture_env down-url-params PJM_NONCE="$NONCE" -- \
    -v --url "$DOWN" event update "$JOB" --token "$TOKEN" --url-params --data '{"q": 3}'
expect_rc 75 "manager down, URL parameters: queued"
capture down-json -v --url "$DOWN" --bearer "$BEARER" --json event update "$JOB" --token "$TOKEN"
expect_rc 75 "manager down, --json: queued"
capture down-create -v --url "$DOWN" --bearer "$BEARER" create --pipeline "$PIPELINE" --archive-path /d --data '{"n": 4}'
expect_rc 75 "manager down, create: queued"
capture down-no-outbox -vv --url "$DOWN" --bearer "$BEARER" --no-outbox event update "$JOB" --token "$TOKEN"
expect_rc 7 "manager down, --no-outbox: exit 7"
capture outbox-list -v outbox list
expect_rc 0 "outbox list"
capture outbox-list-json -v --json outbox list
expect_rc 0 "outbox list --json"

# The outbox: the folder 0700, each file 0600, no bearer or nonce anywhere, a job token only
# in the queued message itself (its body, or its query string for the URL-parameter form).
expect_eq "$(stat -c %a "$WORK/outbox")" 700 "the outbox folder's mode"
files=$(find "$WORK/outbox" -type f -name '*.json' | sort)
expect_eq "$(wc -l <<<"$files")" 5 "five messages queued"
for f in $files "$WORK/outbox/.flush.lock"; do
    [ -e "$f" ] || continue
    expect_eq "$(stat -c %a "$f")" 600 "mode of $(basename "$f")"
    for secret in "$BEARER" "$NONCE" "$WRONG_BEARER" "$ADMIN" "$ADMIN_SECRET" "$TOKEN2"; do
        check
        ! grep -qF -- "$secret" "$f" || fail "a secret other than the message's token in $(basename "$f")"
    done
done
check
python3 - "$TOKEN" $files <<'PY' || fail "a job token outside the queued message in an outbox file"
import json, sys
token = sys.argv[1]
for path in sys.argv[2:]:
    entry = json.load(open(path))
    for field, value in entry.items():
        if field in ("body", "query"):  # the message itself
            continue
        assert token not in json.dumps(value), (path, field)
PY

# Flush with the manager up and the right bearer: all five delivered. Then two more queued and
# flushed with an unknown bearer: refused, kept for inspection, reported.
capture_env outbox-flush PJM_BEARER_TOKEN="$BEARER" -- -vv outbox flush --url "$URL"
expect_rc 0 "outbox flush -vv"
expect_out "delivered 5" "outbox flush delivers the five messages"
capture down-again -v --url "$DOWN" --bearer "$BEARER" event update "$JOB" --token "$TOKEN" --data '{"q": 5}'
expect_rc 75 "manager down again: queued"
capture_env down-again-nonce PJM_NONCE="$NONCE" -- \
    -v --url "$DOWN" event update "$JOB" --token "$TOKEN" --url-params --data '{"q": 6}'
expect_rc 75 "manager down again, URL parameters: queued"
capture outbox-flush-wrong -vv --bearer "$WRONG_BEARER" outbox flush --url "$URL"
check
[ "$RC" -eq 75 ] || fail "a flush with an unknown bearer token keeps them queued (75), got $RC"
expect_out "still queued 2" "the flush with an unknown bearer: a configuration error, both kept"
capture outbox-list-end -v outbox list
capture outbox-list-end-json -v --json outbox list
files=$(find "$WORK/outbox" -type f | sort)
for f in $files; do
    expect_eq "$(stat -c %a "$f")" 600 "mode of $(basename "$f") after the flushes"
    for secret in "$BEARER" "$NONCE" "$WRONG_BEARER"; do
        check
        ! grep -qF -- "$secret" "$f" || fail "a credential in $(basename "$f") after the flushes"
    done
done

# A password in the manager URL (https://user:password@host/…) is a secret too: --dry-run, -v
# traces and outbox list show it redacted.
URL_PASSWORD=SECRETurlpass$RANDOM$RANDOM-3c4d
capture url-password-dry-run -vv --dry-run --url "${URL/http:\/\//http://pjm:$URL_PASSWORD@}" \
    event update "$JOB" --token "$TOKEN"
expect_rc 0 "--dry-run with a password in the URL"
expect_out "pjm:<redacted>@" "--dry-run shows the URL's password redacted"
capture url-password-down -vv --url "${DOWN/http:\/\//http://pjm:$URL_PASSWORD@}" \
    event update "$JOB" --token "$TOKEN" --data '{"q": 7}'
expect_rc 75 "manager down, a password in the URL: queued"
expect_err "pjm:<redacted>@" "-vv shows the URL's password redacted"
capture url-password-outbox-json --json outbox list
expect_out "\"url\": \"http://127.0.0.1:" "outbox list --json: the URL kept without user and password"
capture url-password-outbox list outbox list

kill "$SERVER_PID"
wait "$SERVER_PID"
SERVER_PID=""

# --- Every output, for every secret --------------------------------------------------------------
# Where a token is the output's purpose (create prints the new job's token; token admin and
# token job print the token alone), that output may show that token, and nothing else may.
declare -A ALLOWED=(
    ["create-local.out"]="$TOKEN"
    ["create-local-2.out"]="$TOKEN2"
    ["token-admin.out"]="$ADMIN"
    ["token-job.out"]="$TOKEN"
    ["client-create.out"]="$TOKEN3"
)
SECRETS=("$BEARER" "$NONCE" "$WRONG_BEARER" "$CONFIG_SECRET" "$ADMIN_SECRET" "$ADMIN" "$TOKEN" "$TOKEN2" "$TOKEN3" "$URL_PASSWORD")
NAMES=(bearer nonce wrong-bearer config-admin-secret database-admin-secret admin-token job-token job-token-2 job-token-3 url-password)
cp "$LOG" "$CAP/serve.log"
outputs=0
for f in "$CAP"/*; do
    outputs=$((outputs + 1))
    base=$(basename "$f")
    for i in "${!SECRETS[@]}"; do
        [ "${ALLOWED[$base]:-}" = "${SECRETS[$i]}" ] && continue
        check
        ! grep -qF -- "${SECRETS[$i]}" "$f" || fail "the ${NAMES[$i]} appears in $base: $(grep -F -- "${SECRETS[$i]}" "$f" | head -c 300)"
    done
done
echo "secrets_test: $outputs outputs grepped for ${#SECRETS[@]} secrets"
check
[ "$outputs" -ge 100 ] || fail "only $outputs outputs were kept"

finish
