#!/usr/bin/env bash
# Cromwell's workflow callback (docs/integrations.md#cromwell) through real HTTP (curl) to pjm
# serve, on every backend, as Cromwell sends it: no Authorization (the nonce in the URL, with
# the job's uuid and token), the bodies of tests/fixtures/cromwell, repeated as Cromwell retries:
# - Succeeded finishes the job (its lost run inferred), Failed and Aborted fail it, with the
#   outputs and failures kept in the entry;
# - the same callback again (a retry) is a duplicate: 200, nothing changed; a later, other
#   terminal state is stale: 200, nothing changed;
# - several retries at once from 4 connections are recorded once; every workflow's callback
#   delivered 3 times, shuffled together, is recorded once;
# - refusals (a state Cromwell never reports, a foreign body, no or a wrong credential) change
#   nothing.
source "$PJM_TEST_LIB"
command -v curl >/dev/null || { echo "cromwell_test: curl is not installed" >&2; exit 1; }
FIXTURES=$(cd "$(dirname "$PJM_TEST_LIB")/../fixtures/cromwell" && pwd)

NONCE=cromwell-n0nce-$RANDOM$RANDOM$RANDOM
ACTOR=pjmcromwell
printf '%s\n' "$NONCE" >"$WORK/nonces"
setup_job cromwell '{"n": 0}'
PIPELINE_UUID=$PIPELINE
start_server --nonce-file "$WORK/nonces"

new_job() { # new_job N : a fresh job; sets J and T
    run --local --json create --pipeline "$PIPELINE_UUID" --archive-path /archive/cw --data "{\"n\": $1}"
    [ "$RC" -eq 0 ] || { cat "$ERR" >&2; exit 1; }
    J=$(json_field uuid)
    T=$(json_field token)
}
callback() { # callback FIXTURE JOB TOKEN : as Cromwell POSTs it; reply in $OUT, status in $CODE
    CODE=$(curl -s -o "$OUT" -w '%{http_code}' -H 'Content-Type: application/json' \
        --data-binary @"$FIXTURES/$1.json" "$URL/messages?uuid=$2&token=$3&x-nonce=$NONCE" 2>"$ERR")
}
history_of() {
    "$PJM" --local --json status "$1" |
        python3 -c 'import json,sys; print(" ".join(e["name"] for e in json.load(sys.stdin)["history"]))'
}

# --- each terminal state, on a job Cromwell never reported running (the run is inferred)
n=1
for case in "succeeded|finish|FINISHED" "failed|fail|FAILED" "aborted|fail|FAILED"; do
    IFS='|' read -r fixture event state <<<"$case"
    new_job "$n"
    n=$((n + 1))
    callback "$fixture" "$J" "$T"
    expect_eq "$CODE" 200 "$fixture: answered"
    expect_eq "$(json_field result.kind)" CromwellCallback "$fixture: the kind is Cromwell's"
    expect_eq "$(json_field result.applied)" true "$fixture: applied"
    "$PJM" --local --json status "$J" >"$OUT"
    expect_eq "$(json_field state)" "$state" "$fixture: the job is $state"
    if [ "$event" = finish ]; then
        expect_eq "$(history_of "$J")" "create run finish" "$fixture: run inferred, then finish"
        python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))["history"][2]["data"]; assert d["outputs"]["align.reads_mapped"] == 1893202, d' "$OUT" ||
            fail "$fixture: the outputs are not kept"
    else
        expect_eq "$(history_of "$J")" "create $event" "$fixture: $event"
    fi
    check
    # Cromwell retries until it is answered: the same callback again changes nothing.
    callback "$fixture" "$J" "$T"
    expect_eq "$CODE" 200 "$fixture again: answered"
    expect_eq "$(json_field result.disposition)" duplicate "$fixture again: a duplicate"
    check
done
"$PJM" --local --json status "$J" >"$OUT"
python3 -c 'import json,sys; h=json.load(open(sys.argv[1]))["history"]; assert h[-1]["data"]["cromwell"]["state"] == "Aborted", h' "$OUT" ||
    fail "the entry does not say Cromwell's state"
check

# --- another terminal state after the job ended is stale
new_job 10
callback succeeded "$J" "$T"
callback failed "$J" "$T"
expect_eq "$CODE" 200 "Failed after Succeeded: answered"
expect_eq "$(json_field result.disposition)" stale "Failed after Succeeded: stale"
expect_eq "$(history_of "$J")" "create run finish" "Failed after Succeeded: nothing changed"
check

# --- retries at once from 4 connections: recorded once
new_job 11
for i in 1 2 3 4; do
    curl -s -o "$WORK/at-once-$i" -w '%{http_code}\n' -H 'Content-Type: application/json' \
        --data-binary @"$FIXTURES/failed.json" "$URL/messages?uuid=$J&token=$T&x-nonce=$NONCE" \
        >"$WORK/code-$i" &
    pids="${pids:-} $!"
done
# shellcheck disable=SC2086 # one word per pid
wait $pids # not a bare wait: the server runs in the background too
expect_eq "$(cat "$WORK"/code-* | sort -u | tr -d '\n')" 200 "retries at once: all answered 200"
expect_eq "$(history_of "$J")" "create fail" "retries at once: recorded once"
check

# --- each workflow's callback delivered 3 times, all shuffled together: one entry each
declare -A SHUF_JOB SHUF_TOKEN
n=20
for fixture in succeeded failed aborted; do
    new_job "$n"
    n=$((n + 1))
    SHUF_JOB[$fixture]=$J
    SHUF_TOKEN[$fixture]=$T
done
for fixture in $(printf '%s\n' succeeded failed aborted succeeded failed aborted succeeded failed aborted | shuf); do
    callback "$fixture" "${SHUF_JOB[$fixture]}" "${SHUF_TOKEN[$fixture]}"
    expect_eq "$CODE" 200 "shuffled $fixture: answered"
done
expect_eq "$(history_of "${SHUF_JOB[succeeded]}")" "create run finish" "shuffled: Succeeded recorded once"
expect_eq "$(history_of "${SHUF_JOB[failed]}")" "create fail" "shuffled: Failed recorded once"
expect_eq "$(history_of "${SHUF_JOB[aborted]}")" "create fail" "shuffled: Aborted recorded once"

# --- refusals change nothing
new_job 12
bad() { # bad CODE TEXT WHAT CURL_ARGS…
    local want=$1 text=$2 what=$3
    shift 3
    CODE=$(curl -s -o "$OUT" -w '%{http_code}' -H 'Content-Type: application/json' "$@" 2>"$ERR")
    expect_eq "$CODE" "$want" "$what"
    grep -q -- "$text" "$OUT" || fail "$what: the reply does not say '$text': $(cat "$OUT")"
    expect_eq "$(history_of "$J")" "create" "$what: the job did not move"
    check
}
Q="$URL/messages?uuid=$J&token=$T"
bad 400 "not a valid CromwellCallback" "a state Cromwell never reports" \
    -d '{"workflowId": "w1", "state": "Running"}' "$Q&x-nonce=$NONCE"
bad 400 "not a valid" "a foreign body" -d '{"workflow": "w1"}' "$Q&x-nonce=$NONCE"
bad 401 "no credentials" "no credential" --data-binary @"$FIXTURES/succeeded.json" "$Q"
bad 401 "unknown nonce" "a wrong nonce" --data-binary @"$FIXTURES/succeeded.json" "$Q&x-nonce=x$NONCE"
bad 403 "token refused" "a wrong job token" --data-binary @"$FIXTURES/succeeded.json" \
    "$URL/messages?uuid=$J&token=$TOKEN&x-nonce=$NONCE"

finish
