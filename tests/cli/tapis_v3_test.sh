#!/usr/bin/env bash
# pjm serve speaks Tapis v3 Actors (docs/protocol.md#tapis-v3): every route also under
# /v3/actors/<id>/…, credentials in the X-Tapis-Token header, either a static token from
# --tapis-token-file or a JWT the tenant signed (RS256) checked against --tapis-public-key,
# its expiry and the admitted tenants. The keys are made here with openssl and the JWTs signed
# with them: valid, expired, signed by another key, of another tenant, alg none, truncated.
# Each refused credential is a 401 that says why and changes nothing.
source "$PJM_TEST_LIB"
command -v curl >/dev/null || { echo "$TEST_NAME: curl is not installed" >&2; exit 1; }
command -v openssl >/dev/null || { echo "$TEST_NAME: openssl is not installed" >&2; exit 1; }

openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$WORK/tenant.pem" 2>/dev/null
openssl pkey -in "$WORK/tenant.pem" -pubout -out "$WORK/tenant.pub" 2>/dev/null
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$WORK/other.pem" 2>/dev/null

b64url() { base64 -w0 | tr '+/' '-_' | tr -d '='; }
# jwt KEY CLAIMS [HEADER] : a JWT of those claims signed with KEY (RS256).
jwt() {
    local key=$1 claims=$2 header=${3:-'{"alg":"RS256","typ":"JWT"}'}
    local signed
    signed="$(printf '%s' "$header" | b64url).$(printf '%s' "$claims" | b64url)"
    printf '%s.%s' "$signed" "$(printf '%s' "$signed" | openssl dgst -sha256 -sign "$key" | b64url)"
}
NOW=$(date +%s)
claims() { # claims TENANT USER EXP
    printf '{"iss":"https://%s.tapis.io/v3/tokens","sub":"%s@%s","tapis/tenant_id":"%s","tapis/token_type":"access","tapis/username":"%s","tapis/account_type":"user","exp":%s}' \
        "$1" "$2" "$1" "$1" "$2" "$3"
}
GOOD=$(jwt "$WORK/tenant.pem" "$(claims tacc jdoe $((NOW + 3600)))")
EXPIRED=$(jwt "$WORK/tenant.pem" "$(claims tacc jdoe $((NOW - 60)))")
OTHER_KEY=$(jwt "$WORK/other.pem" "$(claims tacc jdoe $((NOW + 3600)))")
OTHER_TENANT=$(jwt "$WORK/tenant.pem" "$(claims designsafe jdoe $((NOW + 3600)))")
ALG_NONE="$(printf '{"alg":"none"}' | b64url).$(claims tacc jdoe $((NOW + 3600)) | b64url)."
# Cut inside its signature, to a length no base64url text has (1 more than a multiple of 4):
# cutting a fixed 20 characters left decodable text 1 time in 16 (the last character's unused
# bits happened to be zero), and that is a bad signature, not a malformed token.
TRUNCATED=${GOOD%.*}.
SIGNATURE=${GOOD##*.}
TRUNCATED=$TRUNCATED${SIGNATURE:0:$(((${#SIGNATURE} - 8) / 4 * 4 + 1))}
NO_USER=$(jwt "$WORK/tenant.pem" "{\"tapis/tenant_id\":\"tacc\",\"exp\":$((NOW + 3600))}")

STATIC=static-tapis-token-$RANDOM$RANDOM
BEARER=v2-bearer-token-$RANDOM$RANDOM
NONCE=tacc_nonce-$RANDOM$RANDOM-0000
printf '%s\n' "$STATIC" >"$WORK/tapis_tokens"
printf '%s\n' "$BEARER" >"$WORK/bearers"
printf '%s\n' "$NONCE" >"$WORK/nonces"
ACTOR=pjmtest
setup_job demo '{"n": 1}'
start_server --tapis-public-key "$WORK/tenant.pub" --tapis-tenant tacc \
    --tapis-token-file "$WORK/tapis_tokens" --bearer-file "$WORK/bearers" --nonce-file "$WORK/nonces"
V3="$BASE/v3/actors/$ACTOR"
expect_eq "$(grep -c 'Tapis JWTs' "$LOG")" 1 "the start line counts the Tapis credentials"

# post HEADER… : POST an update of the job to /v3/actors/ACTOR/messages; $STATUS, $OUT.
post() {
    STATUS=$(curl -s -o "$OUT" -w '%{http_code}' -H 'Content-Type: application/json' "$@" \
        --data "{\"uuid\": \"$JOB\", \"name\": \"update\", \"token\": \"$TOKEN\"}" 2>"$ERR")
}
value() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$OUT" "$1"; }

# --- A valid JWT: 200, a Tapis v3 envelope, v3 links, the token's user as the executor
post -H "X-Tapis-Token: $GOOD" "$V3/messages"
expect_eq "$STATUS" 200 "a message with a valid Tapis JWT"
expect_eq "$(value "d['metadata']")" "{}" "a v3 envelope carries metadata {}"
expect_eq "$(value "d['result']['_links']['self'].split('/executions/')[0]")" "$V3" "links stay in the v3 tree"
EXEC=$(value "d['result']['executionId']")
STATUS=$(curl -s -o "$OUT" -w '%{http_code}' -H "X-Tapis-Token: $GOOD" "$V3/executions/$EXEC")
expect_eq "$STATUS" 200 "GET the execution under /v3"
expect_eq "$(value "d['result']['executor']")" "jdoe" "the executor is the token's tapis/username"
expect_eq "$(value "d['result']['_links']['owner']")" "$BASE/v3/oauth2/profiles/jdoe" "a v3 profile link"

# --- A static token, and a nonce, under /v3
post -H "X-Tapis-Token: $STATIC" "$V3/messages"
expect_eq "$STATUS" 200 "a message with a static Tapis token"
post "$V3/messages?x-nonce=$NONCE"
expect_eq "$STATUS" 200 "a message with a nonce under /v3"
STATUS=$(curl -s -o "$OUT" -w '%{http_code}' -H "X-Tapis-Token: $GOOD" "$BASE/v3/actors")
expect_eq "$STATUS" 200 "GET /v3/actors"
expect_eq "$(value "d['result'][0]['_links']['self']")" "$V3" "the actor's v3 link"
STATUS=$(curl -s -o "$OUT" -w '%{http_code}' -H "X-Tapis-Token: $GOOD" "$V3/jobs/$JOB")
expect_eq "$STATUS" 200 "the jobs route under /v3"

# --- Refused: each a 401 that says why, nothing changed
before=$(db_sum)
refused() { # refused WHY-TEXT WHAT CURL-ARGS…
    local why=$1 what=$2
    shift 2
    post "$@"
    expect_eq "$STATUS" 401 "$what"
    check
    grep -q "$why" "$OUT" || fail "$what: the reply does not say '$why': $(cat "$OUT")"
}
refused "has expired" "an expired JWT" -H "X-Tapis-Token: $EXPIRED" "$V3/messages"
refused "signature the tenant's public key does not verify" "a JWT signed by another key" \
    -H "X-Tapis-Token: $OTHER_KEY" "$V3/messages"
refused "tenant this manager does not admit" "a JWT of another tenant" \
    -H "X-Tapis-Token: $OTHER_TENANT" "$V3/messages"
refused "not signed with RS256" "alg none" -H "X-Tapis-Token: $ALG_NONE" "$V3/messages"
refused "not a JWT" "a truncated JWT" -H "X-Tapis-Token: $TRUNCATED" "$V3/messages"
refused "lacks the claims" "a JWT without tapis/username" -H "X-Tapis-Token: $NO_USER" "$V3/messages"
refused "is not a JWT" "a token that is neither listed nor a JWT" -H "X-Tapis-Token: garbage" "$V3/messages"
refused "send it to /actors/v2" "a v2 bearer token on a v3 path" \
    -H "Authorization: Bearer $BEARER" "$V3/messages"
refused "Tapis v3 credential" "a Tapis token on a v2 path" \
    -H "X-Tapis-Token: $GOOD" "$URL/messages"
refused "more than once" "two X-Tapis-Token headers" \
    -H "X-Tapis-Token: $GOOD" -H "X-Tapis-Token: $STATIC" "$V3/messages"
refused "no credentials" "no credentials under /v3" "$V3/messages"
expect_eq "$(db_sum)" "$before" "refused credentials changed nothing"

# --- The v2 tree is as it was
post -H "Authorization: Bearer $BEARER" "$URL/messages"
expect_eq "$STATUS" 200 "a bearer token under /actors/v2"
check
grep -q '"metadata"' "$OUT" && fail "a v2 envelope has no metadata: $(cat "$OUT")"

# --- The pjm client against the v3 tree: X-Tapis-Token from the environment or a file, the
# path from the URL or from --api v3 with --tenant-url; never shown
run_env() { # run_env VAR=VALUE… -- ARGS… : run with those variables set
    local vars=()
    while [ "$1" != -- ]; do vars+=("$1"); shift; done
    shift
    env "${vars[@]}" "$PJM" "$@" >"$OUT" 2>"$ERR"
    RC=$?
}
run_env PJM_TAPIS_TOKEN="$GOOD" -- -vv --url "$V3/messages" event update "$JOB" --token "$TOKEN"
expect_rc 0 "pjm with PJM_TAPIS_TOKEN and a v3 URL"
expect_err "X-Tapis-Token: <redacted>" "-vv shows the header redacted"
check
grep -qF "$GOOD" "$ERR" "$OUT" && fail "the Tapis token was printed"
printf '%s\n' "$STATIC" >"$WORK/my_token"
chmod 600 "$WORK/my_token"
run_env PJM_TAPIS_TOKEN_FILE="$WORK/my_token" -- --tenant-url "$BASE" --actor-id "$ACTOR" --api v3 \
    --json event update "$JOB" --token "$TOKEN"
expect_rc 0 "pjm --api v3 with --tenant-url and tapis_token_file"
run_env PJM_TAPIS_TOKEN="$GOOD" -- --url "$V3/messages" --json status "$JOB"
expect_rc 0 "pjm status through the v3 jobs route"
expect_eq "$(json_field uuid)" "$JOB" "the job read through /v3"
run_env PJM_TAPIS_TOKEN="$GOOD" -- --url "$V3/messages" --dry-run event update "$JOB" --token "$TOKEN"
expect_rc 0 "--dry-run to a v3 manager"
expect_out "X-Tapis-Token: <redacted>" "--dry-run shows the header redacted"
check
grep -qF "$GOOD" "$OUT" && fail "--dry-run printed the Tapis token"
run_env PJM_BEARER_TOKEN="$BEARER" -- --url "$V3/messages" event update "$JOB" --token "$TOKEN"
expect_rc 2 "a bearer token alone for a v3 manager"
expect_err "bearer token is Abaco v2's credential" "says which credential a v3 manager takes"
run_env PJM_TAPIS_TOKEN="$GOOD" -- --url "$URL/messages" event update "$JOB" --token "$TOKEN"
expect_rc 2 "a Tapis token alone for a v2 manager"
expect_err "sent to Tapis v3 managers only" "says where a Tapis token goes"
run_env PJM_TAPIS_TOKEN="$GOOD" -- --api v2 --url "$V3/messages" event update "$JOB" --token "$TOKEN"
expect_rc 2 "--api v2 with a v3 URL"
expect_err "is a Tapis v3 (/v3/actors/) URL" "names the contradiction"
run_env PJM_TAPIS_TOKEN="$GOOD" -- --api v4 --url "$V3/messages" event update "$JOB" --token "$TOKEN"
expect_rc 2 "--api v4"
expect_err "is not v2 (Abaco, /actors/v2) or v3" "names the choices"

# --- Options
stop_server
run serve --listen 127.0.0.1:0 --actor-id "$ACTOR" --tapis-token-file "$WORK/tapis_tokens" --tapis-tenant tacc
expect_rc 2 "--tapis-tenant without --tapis-public-key"
expect_err "give the tenant's key with --tapis-public-key" "says what is missing"
run serve --listen 127.0.0.1:0 --actor-id "$ACTOR" --tapis-public-key "$WORK/tapis_tokens"
expect_rc 2 "a public key file that holds no key"
expect_err "holds no RSA public key" "says what the file lacks"

finish
