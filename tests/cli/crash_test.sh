#!/usr/bin/env bash
# Crash safety (an acknowledged event is never lost): kill -9 at random moments under load,
# then check what was acknowledged against the history.
# 1. Local writers: several loops of `pjm --local event update`, each logging the events whose
#    command exited 0; a killer sends SIGKILL to random writer processes for a few seconds.
# 2. pjm serve: curl loops (no retries, no key) and pjm client loops (retries with one
#    Idempotency-Key per event, no outbox) post events while serve is killed with SIGKILL and
#    restarted on the same port and database, again and again.
# After each: every acknowledged event is in the history exactly once, nothing twice, each
# writer's events in its order, the numbering whole, and the database passes its integrity
# check. Events whose command was killed (or got no reply) may be there, but only once.
source "$PJM_TEST_LIB"
source "$(dirname "${BASH_SOURCE[0]}")/crash_lib.sh"
command -v curl >/dev/null || { echo "crash_test: curl is not installed" >&2; exit 1; }

CHAOS_MS=${PJM_TEST_CHAOS_MS:-3000} # how long each part kills
setup_job
run --local event run "$JOB" --token "$TOKEN"
expect_rc 0 "run before the chaos"

# --- 1. kill -9 of local writers -------------------------------------------------------------
WRITERS=4
mkdir -p "$WORK/ack" "$WORK/exits"
# How long one update takes here (a sanitizer build is many times slower): the killer's pauses
# scale with it, so that a good share of the writers' processes die and a good share finish.
t0=$(millis)
for k in 1 2 3; do
    "$PJM" --local event update "$JOB" --token "$TOKEN" --data "{\"w\": \"warmup\", \"k\": $k}" >/dev/null &&
        ack warmup "$k"
done
EVENT_MS=$((($(millis) - t0) / 3 + 1))
# sleep_ms N : sleeps N milliseconds.
sleep_ms() { sleep "$(($1 / 1000)).$(printf '%03d' $(($1 % 1000)))"; }
# local_writer W : updates until told to stop, one process per event; logs K when it exited 0,
# and every other exit code in $WORK/exits/W.
local_writer() {
    local w=$1 k=0 rc
    while [ ! -e "$WORK/stop" ]; do
        k=$((k + 1))
        "$PJM" --local event update "$JOB" --token "$TOKEN" --data "{\"w\": \"$w\", \"k\": $k}" \
            >/dev/null 2>>"$WORK/$w.err" &
        echo $! >"$WORK/pid.$w" # for the killer
        wait $!
        rc=$?
        if [ "$rc" -eq 0 ]; then ack "$w" "$k"; else echo "$k $rc" >>"$WORK/exits/$w"; fi
    done
}
pids=()
for ((i = 1; i <= WRITERS; i++)); do
    touch "$WORK/ack/local$i"
    local_writer "local$i" 2>>"$WORK/shell.err" & # (bash's "Killed" notes go to shell.err)
    pids+=($!)
done
kills=0
# A few seconds, and at least a few kills (a slow build gets more time, up to 4 times as much).
start=$(millis)
while [ $(($(millis) - start)) -lt "$CHAOS_MS" ] ||
    { [ "$kills" -lt 8 ] && [ $(($(millis) - start)) -lt $((4 * CHAOS_MS)) ]; }; do
    sleep_ms $((RANDOM % (2 * EVENT_MS))) # each writer attacked every ~2 updates on average
    # The pjm process a random writer is waiting for (or has just reaped: then the kill fails).
    read -r p <"$WORK/pid.local$((RANDOM % WRITERS + 1))" 2>/dev/null &&
        kill -9 "$p" 2>/dev/null && kills=$((kills + 1))
done
touch "$WORK/stop"
wait "${pids[@]}"
killed=$(cat "$WORK"/exits/* 2>/dev/null | awk '$2 == 137' | wc -l)
acked=$(cat "$WORK"/ack/local* | wc -l)
echo "crash_test: local writers: $kills SIGKILLs sent, $killed writer processes died of one," \
    "$acked events acknowledged in $(($(millis) - start)) ms (one update: ${EVENT_MS} ms) ($TEST_BACKEND)"
check
[ "$killed" -ge 5 ] || fail "the killer hit only $killed writer processes (expected several)"
check
[ "$acked" -ge 5 ] || fail "only $acked events were acknowledged: the chaos left no room to write"
# Killed (137) is the only way a writer may fail: nothing else (busy, locked, corrupt).
check
others=$(cat "$WORK"/exits/* 2>/dev/null | awk '$2 != 137' | head -5)
[ -z "$others" ] || fail "writers failed other than by SIGKILL (event, exit code): $others" \
    "$(cat "$WORK"/local*.err | grep -v '^$' | head -5)"
check_events "local writers killed at random" "$JOB"
check_database "after killing local writers"
# The database is still fully usable: a writer after the chaos is acknowledged and recorded.
run --local event update "$JOB" --token "$TOKEN" --data '{"after": "local chaos"}'
expect_rc 0 "an update after the chaos"
expect_eq "$(db_query "SELECT name FROM history WHERE job_uuid = '$JOB' ORDER BY seq DESC LIMIT 1")" \
    "update" "the update after the chaos is last"

# --- 2. kill -9 of pjm serve -----------------------------------------------------------------
# (The local writers' acknowledgements stay: the check covers their events too.)
rm -f "$WORK/stop"
PORT=$(free_port)
URL="http://127.0.0.1:$PORT/actors/v2/$ACTOR/messages"
start_serve "$PORT"
# curl_writer W : one POST per event, no retry and no key: acknowledged when HTTP 200 came.
curl_writer() {
    local w=$1 k=0 code
    while [ ! -e "$WORK/stop" ]; do
        k=$((k + 1))
        code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 20 -X POST \
            -H 'Content-Type: application/json' \
            --data "{\"uuid\": \"$JOB\", \"name\": \"update\", \"token\": \"$TOKEN\", \"data\": {\"w\": \"$w\", \"k\": $k}}" \
            "$URL")
        if [ "$code" = 200 ]; then ack "$w" "$k"; else echo "$k $code" >>"$WORK/exits/$w"; fi
        # While serve is down, do not spin through thousands of refused connections.
        [ "$code" = 200 ] || sleep 0.02
    done
}
# pjm_writer W : the pjm client with retries (one Idempotency-Key per event, the same on each
# retry) and no outbox: exit 0 means delivered; 7 means it gave up (then it may be there, once).
pjm_writer() {
    local w=$1 k=0 rc
    while [ ! -e "$WORK/stop" ]; do
        k=$((k + 1))
        PJM_URL=$URL "$PJM" --retries 20 --retry-max-time 15 --no-outbox event update "$JOB" \
            --token "$TOKEN" --data "{\"w\": \"$w\", \"k\": $k}" >/dev/null 2>>"$WORK/$w.err"
        rc=$?
        if [ "$rc" -eq 0 ]; then ack "$w" "$k"; else echo "$k $rc" >>"$WORK/exits/$w"; fi
    done
}
pids=()
for w in curl1 curl2 curl3; do
    touch "$WORK/ack/$w"
    curl_writer "$w" &
    pids+=($!)
done
for w in pjm1 pjm2 pjm3; do
    touch "$WORK/ack/$w"
    pjm_writer "$w" &
    pids+=($!)
done
serve_kills=0
start=$(millis)
while [ $(($(millis) - start)) -lt "$CHAOS_MS" ] ||
    { [ "$serve_kills" -lt 4 ] && [ $(($(millis) - start)) -lt $((4 * CHAOS_MS)) ]; }; do
    sleep_ms $((RANDOM % (300 + 2 * EVENT_MS))) # some traffic (a few events or more), then a kill
    kill -9 "$SERVE_PID" && serve_kills=$((serve_kills + 1))
    wait "$SERVE_PID" 2>/dev/null
    start_serve "$PORT"
done
touch "$WORK/stop"
wait "${pids[@]}"
stop_serve
no_reply=$(cat "$WORK"/exits/curl* 2>/dev/null | wc -l)
replays=$(grep -c '(replayed)' "$WORK/serve.log")
echo "crash_test: pjm serve: $serve_kills SIGKILLs of serve ($SERVE_STARTS starts)," \
    "$(cat "$WORK"/ack/* | wc -l) events acknowledged, $no_reply curl posts without a 200," \
    "$replays retries answered from their Idempotency-Key ($TEST_BACKEND)"
check
[ "$serve_kills" -ge 4 ] || fail "serve was killed only $serve_kills times"
check
[ "$no_reply" -ge 1 ] || fail "no curl post ever failed: the kills did not land under load"
# The pjm client retried through every restart: it never had to give up.
check
others=$(cat "$WORK"/exits/pjm* 2>/dev/null | head -5)
[ -z "$others" ] || fail "pjm client events not delivered despite retries (event, exit code): $others" \
    "$(cat "$WORK"/pjm*.err | head -5)"
check
[ -n "$(cat "$WORK"/ack/pjm*)" ] || fail "no pjm client event was acknowledged"
check_events "pjm serve killed at random" "$JOB"
check_database "after killing pjm serve"

finish
