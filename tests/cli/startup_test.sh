#!/usr/bin/env bash
# pjm-test: one backend
# Start-up cost (ARCHITECTURE.md): the pjm binary links only what local mode needs; libcurl and
# libpq are loaded from lib/pjm modules only when a command needs them. The dynamic loader's
# own trace (LD_DEBUG=files) shows every library a run maps, dlopen'ed ones included.
source "$PJM_TEST_LIB"

LINKED=$(ldd "$PJM")
NEVER="libcurl libpq libssl libcrypto"
# The optimised build also carries libstdc++, SQLite and nettle inside; the sanitizer build
# (PJM_SANITIZE, recognisable by libasan) links them dynamically on purpose.
grep -q libasan <<<"$LINKED" || NEVER="$NEVER libstdc++ libsqlite3 libnettle"
for lib in $NEVER; do
    check
    grep -q "$lib" <<<"$LINKED" && fail "pjm links $lib: $(grep "$lib" <<<"$LINKED")"
done

# loaded ARGS… : the libraries a run of pjm ARGS maps.
loaded() { LD_DEBUG=files "$PJM" "$@" 2>&1 >/dev/null | grep -o 'file=[^ ]*' | sort -u; }
expect_none() { # expect_none WHAT PATTERN ARGS…
    local what=$1 pattern=$2
    shift 2
    check
    local found
    found=$(loaded "$@" | grep -E "$pattern")
    [ -z "$found" ] || fail "$what loads $found"
}

setup_job demo
URL=http://127.0.0.1:1/actors/v2/A/messages
expect_none "--help" 'curl|libpq|pjm-' --help
expect_none "event --help" 'curl|libpq|pjm-' event --help
expect_none "--dry-run" 'curl|libpq|pjm-' --dry-run --url "$URL" event run "$JOB" --token "$TOKEN"
expect_none "a local event" 'curl|libpq|pjm-' --local event run "$JOB" --token "$TOKEN"
expect_none "local status" 'curl|libpq|pjm-' --local status "$JOB"

# Sending does load the transport module, and libcurl with it.
check
loaded --url "$URL" --retries 0 --no-outbox event update "$JOB" --token "$TOKEN" |
    grep -q 'pjm-remote-curl.so' || fail "sending did not load pjm-remote-curl.so"

finish
