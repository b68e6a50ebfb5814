#!/usr/bin/env bash
# TLS end to end. pjm serve speaks HTTPS itself (--tls-cert, --tls-key) with a certificate from
# a throwaway CA; the client verifies it by default, trusts a private CA given with --cacert
# (or PJM_CACERT, or the config file's cacert), skips verification only with --insecure, and
# never sends a message to a manager it could not verify. SIGHUP makes serve read its
# credential files and its certificate again; a reload that cannot read them keeps the old.
# Plain HTTP beyond loopback draws a warning.
# pjm-test: one backend (the transport does not depend on the database)
source "$PJM_TEST_LIB"

# A throwaway CA, and certificates for 127.0.0.1 signed by it (the second one for the reload).
(
    cd "$WORK" &&
        openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 \
            -subj "/CN=pjm test CA" &&
        printf 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n' >server.ext &&
        for name in server renewed; do
            openssl req -newkey rsa:2048 -nodes -keyout $name.key -out $name.csr \
                -subj "/CN=127.0.0.1/O=$name" &&
                openssl x509 -req -in $name.csr -CA ca.pem -CAkey ca.key -CAcreateserial \
                    -out $name.pem -days 2 -extfile server.ext || exit 1
        done
) >"$WORK/openssl.log" 2>&1 || {
    cat "$WORK/openssl.log" >&2
    fail "could not make the test certificates"
    finish
}

NONCE="nonce-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
printf '%s\n' "$NONCE" >"$WORK/nonces"
chmod 600 "$WORK/nonces"
cp "$WORK/server.pem" "$WORK/cert.pem"
cp "$WORK/server.key" "$WORK/key.pem"
ACTOR=pjm
start_server --nonce-file "$WORK/nonces" --tls-cert "$WORK/cert.pem" --tls-key "$WORK/key.pem"
check
case "$BASE" in https://*) ;; *) fail "serve with --tls-cert does not say https: $BASE" ;; esac
URL="$URL/messages"
curl -sf --cacert "$WORK/ca.pem" "$BASE/healthz" >/dev/null ||
    fail "pjm serve does not answer HTTPS (see $LOG)"
# Plain HTTP to the HTTPS port gets nothing, and the server goes on serving.
check
! curl -sf --max-time 5 "http://${BASE#https://}/healthz" >/dev/null 2>&1 ||
    fail "plain HTTP was answered on the HTTPS port"
curl -sf --cacert "$WORK/ca.pem" "$BASE/healthz" >/dev/null ||
    fail "pjm serve stopped answering after a plain-HTTP client"
# TLS 1.1 and older are refused (the client is let to offer it: security level 0).
check
! curl -sf --cacert "$WORK/ca.pem" --tlsv1.1 --tls-max 1.1 --ciphers 'DEFAULT@SECLEVEL=0' \
    "$BASE/healthz" >/dev/null 2>&1 || fail "a TLS 1.1 client was served"

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
# --- SIGHUP: a rotated nonce and a renewed certificate take effect without a restart
served_subject() {
    openssl s_client -connect "${BASE#https://}" -CAfile "$WORK/ca.pem" </dev/null 2>/dev/null |
        openssl x509 -noout -subject 2>/dev/null
}
wait_log() { # wait_log TEXT COUNT : until the log holds TEXT COUNT times
    local i
    for i in $(seq 100); do
        [ "$(grep -cF -- "$1" "$LOG")" -ge "$2" ] && return 0
        sleep 0.05
    done
    return 1
}
expect_out_of() { check; case "$1" in *"$2"*) ;; *) fail "$3: '$2' not in '$1'" ;; esac; }
expect_out_of "$(served_subject)" "O = server" "the first certificate is served"
NEW_NONCE="nonce-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
printf '%s\n' "$NEW_NONCE" >"$WORK/nonces"
cp "$WORK/renewed.pem" "$WORK/cert.pem"
cp "$WORK/renewed.key" "$WORK/key.pem"
kill -HUP "$SERVER_PID"
check
wait_log "SIGHUP: reloaded credentials (0 bearer tokens, 1 nonces" 1 || fail "no reload in the log"
expect_out_of "$(grep -F SIGHUP "$LOG")" "the TLS certificate $WORK/cert.pem" "the log names the certificate"
check
kill -0 "$SERVER_PID" 2>/dev/null || fail "SIGHUP ended the server"
expect_out_of "$(served_subject)" "O = renewed" "the renewed certificate is served after SIGHUP"
N=$(history_count)
run --cacert "$WORK/ca.pem" --no-outbox event update "$JOB" --token "$TOKEN"
check
[ "$RC" -ne 0 ] || fail "the rotated-out nonce is still accepted"
PJM_NONCE=$NEW_NONCE run --cacert "$WORK/ca.pem" event update "$JOB" --token "$TOKEN"
expect_rc 0 "the new nonce is accepted after SIGHUP"
expect_eq "$(history_count)" "$((N + 1))" "only the new nonce's event was applied"

# A reload that cannot read the files keeps what is in force, and says why.
: >"$WORK/nonces"
echo "not a certificate" >"$WORK/cert.pem"
kill -HUP "$SERVER_PID"
check
wait_log "SIGHUP: reload failed, the previous ones stay in use" 1 || fail "the failed reload is not logged"
expect_out_of "$(grep -F "reload failed" "$LOG")" "TLS: cannot use the TLS certificate" "the log says the certificate is bad"
PJM_NONCE=$NEW_NONCE run --cacert "$WORK/ca.pem" event update "$JOB" --token "$TOKEN"
expect_rc 0 "the nonce in force before the failed reload still works"
expect_out_of "$(served_subject)" "O = renewed" "the certificate in force stays"
stop_server

# --- A certificate that does not match its key: serve refuses to start (exit 2), saying so.
run serve --listen 127.0.0.1:0 --actor-id pjm --no-auth --tls-cert "$WORK/server.pem" \
    --tls-key "$WORK/renewed.key"
expect_rc 2 "a key that does not match the certificate"
expect_err "does not match the certificate" "a key that does not match the certificate"
run serve --listen 127.0.0.1:0 --actor-id pjm --no-auth --tls-cert "$WORK/server.pem"
expect_rc 2 "--tls-cert without --tls-key"
expect_err "--tls-key" "--tls-cert without --tls-key"

# --- Plain HTTP beyond loopback draws a warning; on loopback it does not.
check
! grep -q "warning: plain HTTP" "$LOG" || fail "a loopback listener was warned about"
"$PJM" serve --listen 0.0.0.0:0 --actor-id pjm --no-auth 2>"$WORK/open.log" &
OPEN=$!
for _ in $(seq 100); do grep -q "listening on" "$WORK/open.log" && break; sleep 0.05; done
kill "$OPEN" 2>/dev/null
wait "$OPEN" 2>/dev/null
check
grep -q "warning: plain HTTP on 0.0.0.0, which other machines can reach" "$WORK/open.log" ||
    fail "no warning for plain HTTP on 0.0.0.0: $(cat "$WORK/open.log")"
finish
