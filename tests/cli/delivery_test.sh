#!/usr/bin/env bash
# Delivery exactly once (docs/protocol.md#idempotency), on both backends:
# 1. A crash in the middle of an outbox flush: with the manager down, N events each exit 75 and
#    leave N outbox entries; serve comes up; `pjm outbox flush` is killed with SIGKILL after some
#    but not all were delivered (through a slowing proxy, so that there is a middle); during a
#    second flush pjm serve is killed and restarted; a third flush delivers the rest: exactly N
#    history entries, each once, in queue order per job; a fourth flush delivers nothing.
# 2. A proxy that forwards each message to serve, reads serve's reply and then closes the
#    client's connection without answering (drop_proxy.py): the pjm client retries with the
#    same Idempotency-Key and succeeds, and the history holds one entry per message; when the
#    retries run out the message is queued (75) although applied, and the flush's replay (same
#    key again) adds nothing either. A create through it makes one job, and its token works.
# 3. The manager's database fails (a trigger stands in for a full disk): serve answers 503 with
#    Retry-After and saves nothing; the pjm client retries and queues (75); a key used during the
#    trouble is applied once the database is well (a failure is never kept under a key).
source "$PJM_TEST_LIB"
source "$(dirname "${BASH_SOURCE[0]}")/crash_lib.sh"
command -v curl >/dev/null || { echo "delivery_test: curl is not installed" >&2; exit 1; }
PROXY=$(dirname "${BASH_SOURCE[0]}")/drop_proxy.py

PROXY_PID=""
stop_proxy() {
    if [ -n "$PROXY_PID" ]; then
        kill "$PROXY_PID" 2>/dev/null
        wait "$PROXY_PID" 2>/dev/null
    fi
    PROXY_PID=""
}
trap 'stop_proxy; stop_serve' EXIT
# start_proxy NAME ARGS… : drop_proxy.py in front of serve (PORT), logging to $WORK/NAME.log;
# sets PROXY_URL (its messages URL).
start_proxy() {
    local name=$1 i
    shift
    rm -f "$WORK/$name.port"
    python3 "$PROXY" --target "http://127.0.0.1:$PORT" --port-file "$WORK/$name.port" \
        --log "$WORK/$name.log" "$@" 2>>"$WORK/proxy.err" &
    PROXY_PID=$!
    for i in $(seq 1 200); do
        [ -s "$WORK/$name.port" ] && break
        sleep 0.02
    done
    [ -s "$WORK/$name.port" ] || { echo "delivery_test: the proxy did not start" >&2; cat "$WORK/proxy.err" >&2; exit 1; }
    PROXY_URL="http://127.0.0.1:$(cat "$WORK/$name.port")/actors/v2/$ACTOR/messages"
}
BOX="$XDG_STATE_HOME/pjm/outbox"
queued_count() { # the messages waiting in the outbox (no process: polled in a tight loop)
    local files=("$BOX"/*.json)
    [ "${files[0]}" = "$BOX/*.json" ] && echo 0 || echo "${#files[@]}"
}
updates() { db_query "SELECT count(*) FROM history WHERE name = 'update'"; }

PORT=$(free_port)
URL="http://127.0.0.1:$PORT/actors/v2/$ACTOR/messages"
PIPELINE=$("$PJM" --local pipeline add --name delivery)
JOBS=()
TOKENS=()
for j in 1 2 3; do
    run --local --json create --pipeline "$PIPELINE" --archive-path "/archive/$j" --data "{\"j\": $j}"
    JOBS+=("$(json_field uuid)")
    TOKENS+=("$(json_field token)")
    "$PJM" --local event run "${JOBS[-1]}" --token "${TOKENS[-1]}" >/dev/null
done

# --- 1. kill -9 in the middle of a flush ------------------------------------------------------
EACH=15
N=$((3 * EACH))
mkdir -p "$WORK/ack"
# The three jobs' events are queued at once, each job's in order (as three epilogues would).
pids=()
for j in 0 1 2; do
    for ((k = 1; k <= EACH; k++)); do
        PJM_URL=$URL "$PJM" --retries 0 event update "${JOBS[j]}" --token "${TOKENS[j]}" \
            --data "{\"w\": \"job$j\", \"k\": $k}" >/dev/null 2>>"$WORK/queue.err"
        rc=$?
        [ "$rc" -eq 75 ] || echo " job$j/$k:$rc" >>"$WORK/not75"
        ack "job$j" "$k" # queued (75) is a promise to deliver: checked like an acknowledgement
    done &
    pids+=($!)
done
wait "${pids[@]}"
check
[ ! -e "$WORK/not75" ] || fail "with the manager down every event exits 75; these did not:" \
    "$(tr -d '\n' <"$WORK/not75")"
expect_eq "$(queued_count)" "$N" "one outbox entry per event"
run --json outbox list
expect_eq "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["messages"]))' "$OUT")" \
    "$N" "outbox list shows every queued event"

start_serve "$PORT"
# As a manager without pjm serve's batch route (a real Abaco): the flush learns that from the
# first 404 and sends one message at a time, each waiting for its reply.
start_proxy slow --delay 0.01 --refuse-batch
"$PJM" outbox flush --url "$PROXY_URL" >"$WORK/flush1.out" 2>"$WORK/flush1.err" &
FLUSH=$!
killed_at=""
{ # (stderr: bash's note that the flush was killed)
    while kill -0 "$FLUSH"; do
        left=$(queued_count)
        if [ "$left" -le $((N - N / 3)) ]; then
            sleep "0.00$((RANDOM % 10))" # (most likely while serve's reply is held by the proxy)
            kill -9 "$FLUSH" && killed_at=$(queued_count)
            break
        fi
    done
    wait "$FLUSH"
} 2>/dev/null
stop_proxy
check
[ -n "$killed_at" ] || fail "the first flush ended before it could be killed: $(cat "$WORK/flush1.out")"
delivered=$(updates)
left=$(queued_count)
echo "delivery_test: flush killed with $killed_at of $N left; $delivered delivered," \
    "$left still queued ($((left + delivered - N)) of them applied already) ($TEST_BACKEND)"
check
[ "$delivered" -gt 0 ] && [ "$delivered" -lt "$N" ] ||
    fail "the kill should come after some but not all deliveries: $delivered of $N"
check
[ $((left + delivered)) -ge "$N" ] || fail "messages lost: $delivered delivered, $left queued, of $N"
# The second flush, through the slow proxy again: now pjm serve is killed with SIGKILL in the
# middle and restarted on the same port and database; the flush's retries (the proxy answers
# 502 while serve is down) carry the same keys to the new server.
start_proxy slow2 --delay 0.01 --refuse-batch
"$PJM" outbox flush --url "$PROXY_URL" >"$WORK/flush2.out" 2>"$WORK/flush2.err" &
FLUSH=$!
serve_killed_at=""
while kill -0 "$FLUSH" 2>/dev/null; do
    if [ "$(queued_count)" -le $((left / 2)) ]; then
        kill -9 "$SERVE_PID" && serve_killed_at=$(queued_count)
        wait "$SERVE_PID" 2>/dev/null
        start_serve "$PORT"
        break
    fi
done
wait "$FLUSH"
rc=$?
stop_proxy
check
[ -n "$serve_killed_at" ] || fail "the second flush ended before serve could be killed"
# Its retries may run out before serve is back: then what is left waits for the next flush.
check
[ "$rc" -eq 0 ] || [ "$rc" -eq 75 ] ||
    fail "a flush while serve restarts exits 0 or 75, not $rc: $(head -3 "$WORK/flush2.err")"
left=$(queued_count)
echo "delivery_test: serve killed during the second flush with $serve_killed_at of" \
    "$N left; $(grep -c '"status": null' "$WORK/slow2.log") attempts met no server;" \
    "the flush exited $rc with $left still queued ($TEST_BACKEND)"
PJM_URL=$URL run outbox flush
expect_rc 0 "the third flush"
expect_out "delivered $left, still queued 0, refused 0" "the third flush sends what was left"
expect_eq "$(updates)" "$N" "exactly N events delivered"
expect_eq "$(queued_count)" "0" "the outbox is empty"
check_events "after the killed flush and the killed server" "${JOBS[@]}"
PJM_URL=$URL run outbox flush
expect_rc 0 "a fourth flush"
expect_out "delivered 0, still queued 0, refused 0" "a fourth flush has nothing to send"
expect_eq "$(updates)" "$N" "the fourth flush adds nothing"
check
[ -z "$(ls -A "$BOX" | grep -v '^\.flush\.lock$' | grep -v '\.tmp$')" ] ||
    fail "the outbox holds files: $(ls -A "$BOX")"

# --- 1b. batches: a batch's reply lost, and a flush killed while serve holds its batch --------
# A job's queue goes to pjm serve in batch requests (docs/protocol.md#message-batches). The
# proxy drops the first reply to each request (serve applied the batch): the flush sends the
# same batch again, and serve answers its messages from their keys. Then a flush is killed
# while the proxy holds serve's reply: the next flush sends the batch again, and still nothing
# is applied twice.
DEAD_URL="http://127.0.0.1:$(free_port)/actors/v2/$ACTOR/messages"
queue_events() { # queue_events WRITER COUNT : job 0's update events, queued (75), serve away
    local k
    for ((k = 1; k <= $2; k++)); do
        PJM_URL=$DEAD_URL "$PJM" --retries 0 event update "${JOBS[0]}" --token "${TOKENS[0]}" \
            --data "{\"w\": \"$1\", \"k\": $k}" >/dev/null 2>>"$WORK/queue.err"
        [ $? -eq 75 ] && ack "$1" "$k"
    done
}
queue_events batch 20
before=$(updates)
start_proxy batch --drop-each 1
run outbox flush --url "$PROXY_URL"
expect_rc 0 "a flush whose first batch reply was lost"
expect_out "delivered 20, still queued 0, refused 0" "the flush delivered the batch"
stop_proxy
expect_eq "$(updates)" "$((before + 20))" "the batch's 20 events applied once"
check
python3 - "$WORK/batch.log" <<'PY' || fail "the proxy did not see one batch sent twice, the same both times"
import json, sys
posts = [json.loads(line) for line in open(sys.argv[1])]
posts = [r for r in posts if r["method"] == "POST"]
assert len(posts) == 2, posts
assert all(r["path"].split("?")[0].endswith("/messages/batch") for r in posts), posts
assert posts[0]["dropped"] and not posts[1]["dropped"], posts
assert posts[0]["body"] == posts[1]["body"], "the retry sent another batch"
messages = json.loads(posts[0]["body"])["messages"]
keys = [m["idempotency_key"] for m in messages]
assert len(messages) == 20 and len(set(keys)) == 20, keys
print("  batch.log: one batch of 20 messages, 20 keys, sent twice")
PY
check_events "after a lost batch reply" "${JOBS[@]}"

queue_events batchkill 20
before=$(updates)
start_proxy batchkill --delay 3
"$PJM" outbox flush --url "$PROXY_URL" >"$WORK/flush3.out" 2>"$WORK/flush3.err" &
FLUSH=$!
for _ in $(seq 1 100); do
    # serve applied the batch; the proxy holds its reply for 3 s
    [ "$(updates)" -eq $((before + 20)) ] && break
    sleep 0.05
done
kill -9 "$FLUSH" 2>/dev/null
wait "$FLUSH" 2>/dev/null
stop_proxy
expect_eq "$(updates)" "$((before + 20))" "serve applied the batch the killed flush sent"
expect_eq "$(queued_count)" "20" "the killed flush heard no reply: its 20 messages still queued"
PJM_URL=$URL run outbox flush
expect_rc 0 "the flush after the killed one"
expect_out "delivered 20, still queued 0, refused 0" "it sends the batch again"
expect_eq "$(updates)" "$((before + 20))" "and nothing is applied twice"
check_events "after a flush killed mid-batch" "${JOBS[@]}"

# --- 2. a reply lost after the message was applied --------------------------------------------
# Each message's first 2 attempts are applied by serve but never answered; the third is.
start_proxy drop --drop-each 2
pids=()
for k in 1 2 3 4; do
    (
        PJM_URL=$PROXY_URL "$PJM" event update "${JOBS[0]}" --token "${TOKENS[0]}" \
            --data "{\"w\": \"dropped$k\", \"k\": 1}" >"$WORK/drop.$k.out" 2>"$WORK/drop.$k.err"
        echo $? >"$WORK/drop.$k.rc"
    ) &
    pids+=($!)
done
wait "${pids[@]}"
for k in 1 2 3 4; do
    expect_eq "$(cat "$WORK/drop.$k.rc")" "0" "event $k gets through after two lost replies"
    [ "$(cat "$WORK/drop.$k.rc")" = 0 ] && ack "dropped$k" 1
done
# The create's reply is lost twice too: one job, and the token of the third reply is its own.
PJM_URL=$PROXY_URL run --json create --pipeline "$PIPELINE" --archive-path /archive/dropped \
    --data '{"j": "dropped"}'
expect_rc 0 "a create gets through after two lost replies"
NEWJOB=$(json_field job.uuid)
NEWTOKEN=$(json_field token)
expect_eq "$(db_query "SELECT count(*) FROM jobs WHERE archive_path = '/archive/dropped'")" "1" \
    "the create made one job"
run --local event run "$NEWJOB" --token "$NEWTOKEN"
expect_rc 0 "the replayed reply's token is the job's"
# Retries run out (2 attempts, both lost): queued with exit 75 although serve applied it; the
# flush's attempt is lost too, its retry is answered from the key, and nothing is added.
stop_proxy
start_proxy drop3 --drop-each 3
PJM_URL=$PROXY_URL run --retries 1 event update "${JOBS[1]}" --token "${TOKENS[1]}" \
    --data '{"w": "requeued", "k": 1}'
expect_rc 75 "both attempts lost: queued"
expect_eq "$(db_query "SELECT count(*) FROM history WHERE data LIKE '%requeued%'")" "1" \
    "yet serve applied it once"
run outbox flush --url "$PROXY_URL"
expect_rc 0 "the flush delivers it (its first attempt lost as well)"
expect_out "delivered 1" "the flush reports it delivered"
ack requeued 1
stop_proxy
check_events "after the lost replies" "${JOBS[@]}"
check
python3 - "$WORK/drop.log" "$WORK/drop3.log" <<'PY' || fail "the proxy did not see one Idempotency-Key per message, the same on every attempt"
import collections, json, sys
for path, per_message in ((sys.argv[1], 3), (sys.argv[2], 4)):
    keys = collections.defaultdict(list)
    for line in open(path):
        r = json.loads(line)
        if r["method"] != "POST":
            continue
        assert r["status"] == 200, r  # serve applied (or replayed) every attempt
        keys[r["body"]].append(r["key"])
    for body, ks in keys.items():
        assert len(ks) == per_message, (path, body, ks)
        assert ks[0] and all(k == ks[0] for k in ks), (path, body, ks)
    firsts = [ks[0] for ks in keys.values()]
    assert len(set(firsts)) == len(firsts), "two messages shared a key"
    print(f"  {path.rsplit('/', 1)[-1]}: {len(keys)} messages, {per_message} attempts each, "
          "one key per message")
PY
check
grep -q '(replayed)' "$WORK/serve.log" || fail "serve never answered from an Idempotency-Key"

# --- 3. the manager's database fails for a while ----------------------------------------------
# A trigger makes writing this job's history fail, as a full disk or a lost database would:
# serve answers 503 with Retry-After and keeps nothing; the pjm client retries, then queues
# (75); a key used during the trouble is applied once the database is well again.
case "$PJM_DATABASE" in
postgres://* | postgresql://*)
    db_query "CREATE FUNCTION trouble() RETURNS trigger AS \$\$ BEGIN IF NEW.data LIKE '%trouble%' THEN RAISE EXCEPTION 'disk trouble'; END IF; RETURN NEW; END \$\$ LANGUAGE plpgsql; CREATE TRIGGER trouble BEFORE INSERT ON history FOR EACH ROW EXECUTE FUNCTION trouble()" >/dev/null
    ;;
*) db_query "CREATE TRIGGER trouble BEFORE INSERT ON history WHEN NEW.data LIKE '%trouble%' BEGIN SELECT RAISE(ABORT, 'disk trouble'); END" ;;
esac
trouble_post() { # trouble_post K : POSTs event K with the Idempotency-Key trouble-K
    curl -s -D "$WORK/headers" -o "$OUT" -w '%{http_code}' -X POST -H "Idempotency-Key: trouble-$1" \
        -H 'Content-Type: application/json' \
        --data "{\"uuid\": \"${JOBS[2]}\", \"name\": \"update\", \"token\": \"${TOKENS[2]}\", \"data\": {\"w\": \"trouble\", \"k\": $1}}" \
        "$URL"
}
expect_eq "$(trouble_post 1)" "503" "a storage failure is a 503"
expect_out "storage failure" "the 503 says what failed"
check
grep -qi '^Retry-After: 1' "$WORK/headers" || fail "the 503 carries Retry-After: $(cat "$WORK/headers")"
PJM_URL=$URL run --retries 1 event update "${JOBS[2]}" --token "${TOKENS[2]}" --data '{"w": "trouble", "k": 2}'
expect_rc 75 "the pjm client queues a message the manager could not save"
expect_eq "$(db_query "SELECT count(*) FROM history WHERE data LIKE '%trouble%'")" "0" \
    "nothing of the failed messages was saved"
case "$PJM_DATABASE" in
postgres://* | postgresql://*) db_query "DROP TRIGGER trouble ON history" ;;
*) db_query "DROP TRIGGER trouble" ;;
esac
expect_eq "$(trouble_post 1)" "200" "the same key once the database is well: applied"
ack trouble 1
PJM_URL=$URL run outbox flush
expect_rc 0 "the queued message is delivered once the database is well"
expect_out "delivered 1" "the flush delivers it"
ack trouble 2
expect_eq "$(trouble_post 1)" "200" "a third time with the key: answered from it"
check_events "after the database trouble" "${JOBS[@]}"
stop_serve
check_database "after the lost replies, the killed flush and the database trouble"

finish
