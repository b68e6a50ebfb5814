#!/usr/bin/env bash
# TLS in client mode: pjm verifies the manager's certificate by default, trusts a private CA
# given with --cacert (or PJM_CACERT, or the config file's cacert), skips verification only
# with --insecure, and never sends a message to a manager it could not verify. The manager is
# a real pjm serve behind a TLS front (tls_proxy.py) with a certificate from a throwaway CA.
# pjm-test: one backend (the transport does not depend on the database)
source "$PJM_TEST_LIB"

TESTS_DIR=$(cd "$(dirname "$0")" && pwd)
# A throwaway CA, and a certificate for 127.0.0.1 signed by it.
(
    cd "$WORK" &&
        openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 \
            -subj "/CN=pjm test CA" &&
        openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr \
            -subj "/CN=127.0.0.1" &&
        printf 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n' >server.ext &&
        openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial \
            -out server.pem -days 2 -extfile server.ext
) >"$WORK/openssl.log" 2>&1 || {
    cat "$WORK/openssl.log" >&2
    fail "could not make the test certificates"
    finish
}

NONCE="nonce-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
printf '%s\n' "$NONCE" >"$WORK/nonces"
chmod 600 "$WORK/nonces"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$PJM" serve --listen "127.0.0.1:$PORT" --actor-id pjm --nonce-file "$WORK/nonces" \
    2>"$WORK/serve.log" &
SERVE=$!
python3 "$TESTS_DIR/tls_proxy.py" "$WORK/server.pem" "$WORK/server.key" "$PORT" \
    "$WORK/tls.port" 2>"$WORK/proxy.log" &
PROXY=$!
trap 'kill "$SERVE" "$PROXY" 2>/dev/null; wait "$SERVE" "$PROXY" 2>/dev/null' EXIT
for _ in $(seq 100); do
    [ -s "$WORK/tls.port" ] && curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
    sleep 0.05
done
TLS_PORT=$(cat "$WORK/tls.port")
URL="https://127.0.0.1:$TLS_PORT/actors/v2/pjm/messages"
curl -sf --cacert "$WORK/ca.pem" "https://127.0.0.1:$TLS_PORT/healthz" >/dev/null ||
    fail "the TLS front does not answer (see $WORK/proxy.log)"

setup_job tls
history_count() { db_query "SELECT count(*) FROM history WHERE job_uuid = '$JOB'"; }
BEFORE=$(history_count)
export PJM_URL=$URL PJM_NONCE=$NONCE

# Verification is on by default: the system's CA bundle does not know the test CA.
run --no-outbox --retries 0 event update "$JOB" --token "$TOKEN"
expect_rc 7 "an unverifiable certificate is refused"
expect_err "certificate" "the error says it is about the certificate"
expect_err "--cacert" "the error says how to trust a private CA"
expect_eq "$(history_count)" "$BEFORE" "nothing reached the manager"
# Not a passing network problem: no retries, and the outbox is no place for it either.
run --retries 3 event update "$JOB" --token "$TOKEN"
expect_rc 7 "a TLS failure is not queued in the outbox"
expect_eq "$(find "$XDG_STATE_HOME" -type f 2>/dev/null | wc -l)" "0" "the outbox is empty"
expect_eq "$(history_count)" "$BEFORE" "still nothing reached the manager"

# --cacert, PJM_CACERT and the config file's cacert trust the private CA.
run --cacert "$WORK/ca.pem" event update "$JOB" --token "$TOKEN" --data '{"via": "flag"}'
expect_rc 0 "--cacert trusts the test CA"
expect_out "execution" "the execution id is printed"
PJM_CACERT=$WORK/ca.pem run event update "$JOB" --token "$TOKEN" --data '{"via": "env"}'
expect_rc 0 "PJM_CACERT trusts the test CA"
mkdir -p "$XDG_CONFIG_HOME/pjm"
printf 'cacert = "%s"\n' "$WORK/ca.pem" >"$XDG_CONFIG_HOME/pjm/config.toml"
run event update "$JOB" --token "$TOKEN" --data '{"via": "config"}'
expect_rc 0 "the config file's cacert trusts the test CA"
rm "$XDG_CONFIG_HOME/pjm/config.toml"
expect_eq "$(history_count)" "$((BEFORE + 3))" "three events delivered over TLS"

# A CA bundle that does not exist is a clear error, not a silent fallback.
run --no-outbox --cacert "$WORK/missing.pem" event update "$JOB" --token "$TOKEN"
expect_rc 7 "a missing CA bundle fails"
expect_err "missing.pem" "the error names the CA bundle"

# The wrong CA: a certificate signed by someone else is refused even with --cacert.
(cd "$WORK" && openssl req -x509 -newkey rsa:2048 -nodes -keyout other.key -out other.pem \
    -days 2 -subj "/CN=another CA") >/dev/null 2>&1
run --no-outbox --cacert "$WORK/other.pem" event update "$JOB" --token "$TOKEN"
expect_rc 7 "a certificate from another CA is refused"
expect_eq "$(history_count)" "$((BEFORE + 3))" "nothing delivered with the wrong CA"

# --insecure skips verification, and says so.
run --insecure event update "$JOB" --token "$TOKEN" --data '{"via": "insecure"}'
expect_rc 0 "--insecure delivers without verifying"
expect_err "insecure" "--insecure warns that verification is off"
expect_eq "$(history_count)" "$((BEFORE + 4))" "the insecure event was delivered"

# In -v traces the TLS handshake is visible and the nonce is not.
run -v --cacert "$WORK/ca.pem" event update "$JOB" --token "$TOKEN"
expect_rc 0 "verbose send over TLS"
expect_absent "$NONCE" "the nonce never appears in -v output"
finish
