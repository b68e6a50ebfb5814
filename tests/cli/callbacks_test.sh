#!/usr/bin/env bash
# Platform callbacks a sender can trust (docs/protocol.md#callbacks), through real HTTP (curl) to
# pjm serve, on every backend:
# - replay: Tapis v3 notification sequences (tests/fixtures/tapis_v3) and Agave callbacks, each
#   notification sent 5 times, all shuffled, as Tapis sends them (User-Agent: Tapis/v3, no
#   Authorization header, the nonce in the URL): every reply 200 within 1 s, at most one history
#   entry per notification, the terminal status exactly once, a lost RUNNING inferred, the job
#   where the platform says it is;
# - the same notification from 8 connections at once, across two servers on one database, is
#   recorded once; a duplicate is still one after pjm serve restarts;
# - genuine refusals stay refusals (401, 404, 400) and change nothing; commands keep their 409;
# - the reply says applied, disposition, duplicate_of and inferred; /metrics counts them;
# - `pjm subscription` prints a deliveryAddress that works as it is.
source "$PJM_TEST_LIB"
command -v curl >/dev/null || { echo "callbacks_test: curl is not installed" >&2; exit 1; }
FIXTURES=$(cd "$(dirname "$PJM_TEST_LIB")/../fixtures/tapis_v3" && pwd)

NONCE=TACC_n0nce$RANDOM$RANDOM-cb
ACTOR=pjmcallbacks
printf '%s\n' "$NONCE" >"$WORK/nonces"
setup_job demo '{"n": 0}'
PIPELINE_UUID=$PIPELINE
start_server --nonce-file "$WORK/nonces"

# new_job N : a fresh job (its data makes it unique); sets J and T.
new_job() {
    run --local --json create --pipeline "$PIPELINE_UUID" --archive-path /archive/cb --data "{\"n\": $1}"
    [ "$RC" -eq 0 ] || { cat "$ERR" >&2; exit 1; }
    J=$(json_field uuid)
    T=$(json_field token)
}

# notify FILE JOB TOKEN [URL] : POSTs FILE as Tapis delivers a notification; the reply in $OUT,
# "STATUS SECONDS" in $REPLY_LINE.
notify() {
    REPLY_LINE=$(curl -s -o "$OUT" -w '%{http_code} %{time_total}' -A 'Tapis/v3' \
        -H 'Content-Type: application/json' --data-binary @"$1" \
        "${4:-$URL}/messages?uuid=$2&token=$3&x-nonce=$NONCE" 2>"$ERR")
}

# Agave callbacks: the Agave job (id agave-7) at each status.
agave() { # agave STATUS > file
    printf '{"id": "agave-7", "owner": "sd2eadm", "appId": "app-0.1", "executionSystem": "hpc",
 "archivePath": "/work/out", "archiveSystem": "corral", "status": "%s", "inputs": {},
 "parameters": {"threads": 8}, "_links": {"self": {"href": "https://agave/jobs/7"}},
 "retries": 0, "localId": "123"}\n' "$1"
}
for s in QUEUED RUNNING FINISHED FAILED; do agave "$s" >"$WORK/agave_$s.json"; done

# --- replay: each sequence's notifications 5 times each, shuffled, on a fresh job per round
# check_round JOB EXPECTED_STATE TERMINAL_EVENT REPLIES : the history has no notification twice,
# the terminal event once, at most one run (exactly one when it finished), the job in the
# expected state; every reply was 200 within 1 s and applied, or a duplicate or stale one.
check_round() {
    whole_status "$1" >"$WORK/status.json" || fail "round on $1: status failed"
    check
    python3 - "$WORK/status.json" "$2" "$3" "$4" <<'PY' || fail "replay on $1 (expected $2)"
import collections, json, sys
doc = json.load(open(sys.argv[1]))
state, terminal, replies = sys.argv[2], sys.argv[3], sys.argv[4]
assert doc["state"] == state, (doc["state"], state)
names = collections.Counter(e["name"] for e in doc["history"])
assert names[terminal] == 1, names
assert names["run"] <= 1, names
if terminal == "finish":
    assert names["run"] == 1, names
ids = collections.Counter()
for e in doc["history"]:
    d = e["data"]
    key = d.get("notification", {}).get("eventUuid") or (d.get("id"), str(d.get("status")).upper()) if "status" in d else d.get("notification", {}).get("eventUuid")
    if key and not d.get("inferred"):
        ids[json.dumps(key)] += 1
    assert "deliveryTarget" not in d and "token" not in json.dumps(d), d
twice = [k for k, n in ids.items() if n > 1]
assert not twice, twice
n = 0
for line in open(replies):
    code, seconds, path = line.split()
    r = json.load(open(path))["result"]
    assert code == "200", (line, r)
    assert float(seconds) < 1.0, line
    assert r["applied"] is True or r["disposition"] in ("duplicate", "stale"), r
    n += 1
assert n > 0
PY
}

replay() { # replay ROUND STATE TERMINAL FILE… : one round on a fresh job
    local round=$1 state=$2 terminal=$3 f i k=0
    shift 3
    new_job "$round"
    rm -f "$WORK"/reply.*
    : >"$WORK/replies"
    for f in "$@"; do for i in 1 2 3 4 5; do echo "$f"; done; done | shuf >"$WORK/order"
    while read -r f; do
        k=$((k + 1))
        curl -s -o "$WORK/reply.$k" -w "%{http_code} %{time_total} $WORK/reply.$k\n" \
            -A 'Tapis/v3' -H 'Content-Type: application/json' --data-binary @"$f" \
            "$URL/messages?uuid=$J&token=$T&x-nonce=$NONCE" >>"$WORK/replies" 2>"$ERR"
    done <"$WORK/order"
    check_round "$J" "$state" "$terminal" "$WORK/replies"
}

F=$FIXTURES
n=100
for round in 1 2 3; do
    replay $((n++)) FINISHED finish "$F/queued.json" "$F/running.json" "$F/error_message.json" "$F/finished.json"
    replay $((n++)) FAILED fail "$F/queued.json" "$F/running.json" "$F/failed.json"
    replay $((n++)) FAILED fail "$F/queued.json" "$F/cancelled.json"
    replay $((n++)) FINISHED finish "$WORK/agave_QUEUED.json" "$WORK/agave_RUNNING.json" "$WORK/agave_FINISHED.json"
    replay $((n++)) FAILED fail "$WORK/agave_RUNNING.json" "$WORK/agave_FAILED.json"
done
[ -s "$WORK/replies" ] || fail "no replies were recorded"

# --- the replies, one by one: FINISHED first infers the lost RUNNING
new_job 200
notify "$F/finished.json" "$J" "$T"
expect_eq "${REPLY_LINE%% *}" 200 "FINISHED on a CREATED job"
expect_eq "$(json_field result.applied)" true "FINISHED applied"
expect_eq "$(json_field result.inferred)" '["run"]' "run inferred"
expect_eq "$(json_field result.kind)" TapisNotification "message kind"
expect_eq "$(json_field result.job.state)" FINISHED "the job is FINISHED"
FIRST_ENTRY=$(db_query "SELECT uuid FROM history WHERE job_uuid = '$J' AND name = 'finish'")
inferred=$(db_query "SELECT data FROM history WHERE job_uuid = '$J' AND name = 'run'")
check
case "$inferred" in *'"inferred":true'* | *'"inferred": true'*) ;; *) fail "the run entry is not marked inferred: $inferred" ;; esac
notify "$F/finished.json" "$J" "$T"
expect_eq "${REPLY_LINE%% *}" 200 "the same FINISHED again"
expect_eq "$(json_field result.applied)" false "duplicate not applied"
expect_eq "$(json_field result.disposition)" duplicate "duplicate disposition"
expect_eq "$(json_field result.duplicate_of)" "$FIRST_ENTRY" "duplicate names the first entry"
notify "$F/running.json" "$J" "$T"
expect_eq "${REPLY_LINE%% *}" 200 "RUNNING after FINISHED"
expect_eq "$(json_field result.disposition)" stale "stale disposition"
check
grep -q 'stale: the job is already FINISHED' "$OUT" || fail "the stale reply does not say why"
EXEC=$(json_field result.execution_id)
curl -s -o "$OUT" "$URL/executions/$EXEC/logs?x-nonce=$NONCE"
check
grep -q 'is stale' "$OUT" || fail "the stale notification is not in its execution's log"

# The dedupe survives a restart of pjm serve.
stop_server
start_server --nonce-file "$WORK/nonces"
notify "$F/finished.json" "$J" "$T"
expect_eq "$(json_field result.disposition)" duplicate "a duplicate after serve restarted"
expect_eq "$(json_field result.duplicate_of)" "$FIRST_ENTRY" "the same first entry after a restart"
notify "$F/running.json" "$J" "$T"
expect_eq "$(json_field result.disposition)" stale "still stale after a restart"

# --- 8 connections at once, across two servers on one database: recorded once
start_other_server --nonce-file "$WORK/nonces"
new_job 300
check
python3 - "$F/running.json" "$J" "$T" "$NONCE" "$URL" "$OTHER_URL" <<'PY' >"$WORK/storm.out" || fail "8 connections at once: $(cat "$WORK/storm.out")"
import http.client, json, sys, threading, urllib.parse
body = open(sys.argv[1], "rb").read()
job, token, nonce, urls = sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:]
start = threading.Barrier(8)
replies = []
def send(i):
    u = urllib.parse.urlsplit(urls[i % 2])
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
    c.connect()
    start.wait()
    c.request("POST", f"{u.path}/messages?uuid={job}&token={token}&x-nonce={nonce}", body,
              {"Content-Type": "application/json", "User-Agent": "Tapis/v3"})
    r = c.getresponse()
    replies.append((r.status, json.loads(r.read())["result"]))
threads = [threading.Thread(target=send, args=(i,)) for i in range(8)]
for t in threads: t.start()
for t in threads: t.join()
assert len(replies) == 8, replies
assert all(s == 200 for s, _ in replies), replies
applied = [r for s, r in replies if r["applied"]]
dups = [r for s, r in replies if not r["applied"]]
assert len(applied) == 1, replies
assert all(r["disposition"] == "duplicate" for r in dups), replies
print("ok")
PY
expect_eq "$(db_query "SELECT count(*) FROM history WHERE job_uuid = '$J' AND name = 'run'")" 1 \
    "8 deliveries at once: one run entry"
expect_eq "$(db_query "SELECT count(*) FROM callback_receipts WHERE job_uuid = '$J'")" 1 \
    "8 deliveries at once: one receipt"

# --- genuine refusals stay refusals, and change nothing
new_job 400
notify "$F/running.json" "$J" 0123456789abcdef
expect_eq "${REPLY_LINE%% *}" 403 "a wrong job token"
notify "$F/running.json" 1071e8a4-1d3d-5f7c-9b2e-000000000000 "$T"
expect_eq "${REPLY_LINE%% *}" 404 "an unknown job"
printf '{"event": {"type": "jobs.JOB_NEW_STATUS.RUNNING"}}' >"$WORK/bad.json"
notify "$WORK/bad.json" "$J" "$T"
expect_eq "${REPLY_LINE%% *}" 400 "a notification without event.uuid"
check
grep -q 'not a valid TapisNotification' "$OUT" || fail "the 400 does not name the kind: $(cat "$OUT")"
REPLY_LINE=$(curl -s -o "$OUT" -w '%{http_code}' -A Tapis/v3 --data-binary @"$F/running.json" \
    "$URL/messages?uuid=$J&token=$T")
expect_eq "$REPLY_LINE" 401 "no nonce: the sender is not admitted"
# (Each refusal is an execution; the job's own rows are what must not change.)
expect_eq "$(db_query "SELECT count(*) FROM history WHERE job_uuid = '$J'")" 1 \
    "refused notifications added no history"
expect_eq "$(db_query "SELECT count(*) FROM callback_receipts WHERE job_uuid = '$J'")" 0 \
    "refused notifications left no receipt"

# Commands keep their strict answers: a person's finish on a CREATED job is a conflict.
STATUS=$(curl -s -o "$OUT" -w '%{http_code}' -H 'Content-Type: application/json' \
    --data "{\"uuid\": \"$J\", \"name\": \"finish\", \"token\": \"$T\"}" "$URL/messages?x-nonce=$NONCE")
expect_eq "$STATUS" 409 "an event message still gets 409"

# /metrics counts the callbacks' outcomes.
curl -s -o "$OUT" "$BASE/metrics"
check
grep -q 'outcome="duplicate"' "$OUT" || fail "/metrics has no duplicate outcome"
check
grep -q 'outcome="stale"' "$OUT" || fail "/metrics has no stale outcome"

# --- pjm subscription: the printed deliveryAddress works as it is
new_job 500
PJM_URL="$URL/messages" PJM_NONCE=$NONCE run --local subscription "$J"
expect_rc 0 "subscription"
ADDRESS=$(json_field subscriptions.0.deliveryTargets.0.deliveryAddress)
expect_eq "$(json_field subscriptions.0.eventCategoryFilter)" JOB_NEW_STATUS "event category"
expect_eq "$(json_field subscriptions.0.deliveryTargets.0.deliveryMethod)" WEBHOOK "webhook"
check
STATUS=$(curl -s -o "$OUT" -w '%{http_code}' -A Tapis/v3 -H 'Content-Type: application/json' \
    --data-binary @"$F/running.json" "$ADDRESS")
expect_eq "$STATUS" 200 "a notification to the printed address"
expect_eq "$(json_field result.job.state)" RUNNING "the printed address names the job"
PJM_URL="$URL/messages" PJM_NONCE=$NONCE run --local subscription "$J" --platform agave
expect_rc 0 "subscription --platform agave"
ADDRESS=$(json_field notifications.0.url)
STATUS=$(curl -s -o "$OUT" -w '%{http_code}' --data-binary @"$WORK/agave_FINISHED.json" \
    -H 'Content-Type: application/json' "$ADDRESS")
expect_eq "$STATUS" 200 "an Agave callback to the printed url"
expect_eq "$(json_field result.job.state)" FINISHED "the Agave url names the job"
PJM_URL="$URL/messages" run subscription "$J"
expect_rc 2 "subscription without a token in client mode"
expect_err "give --token" "the usage error says what to give"
PJM_URL="$URL/messages" run --local subscription "$J" --token 0123456789abcdef
expect_rc 2 "subscription with another job's token"
run --local subscription "$J"
expect_rc 2 "subscription without a manager URL"
expect_err "--url" "the usage error names --url"

finish
