#!/usr/bin/env bash
# pjm serve's batch route (docs/protocol.md#message-batches), driven with curl: one job's
# messages applied in order, each under its own Idempotency-Key and with its own reply; the
# batch stops at the first message not accepted and leaves no trace of those after it; the
# same batch again is answered from the keys and applies nothing twice; a malformed batch is
# refused whole (400) with nothing changed. `pjm outbox flush` uses the route (delivery_test).
source "$PJM_TEST_LIB"

ACTOR=batch
NONCE="nonce-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
printf '%s\n' "$NONCE" >"$WORK/nonces"
start_server --nonce-file "$WORK/nonces"
P=$("$PJM" --local pipeline add --name batch)
read -r JOB TOKEN < <("$PJM" --local create --pipeline "$P" --archive-path /a --template '{uuid} {token}')

# batch FILE : POSTs the batch in FILE; the reply in $OUT, the HTTP status printed
batch() {
    curl -s -o "$OUT" -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
        --data-binary @"$1" "$URL/messages/batch?x-nonce=$NONCE"
}
# make_batch FILE NAME… : a batch of those events of JOB, keys k-<FILE's name>-<n>, as URL parameters
make_batch() {
    local file=$1
    shift
    python3 - "$JOB" "$TOKEN" "$(basename "$file")" "$@" >"$file" <<'PY'
import json, sys
job, token, tag, names = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
print(json.dumps({"messages": [
    {"body": json.dumps({"data": {"n": i}}), "query": f"uuid={job}&name={n}&token={token}",
     "idempotency_key": f"k-{tag}-{i}"} for i, n in enumerate(names)]}))
PY
}
events() { db_query "SELECT string_agg(name, ',' ORDER BY seq) FROM history WHERE job_uuid = '$JOB'" 2>/dev/null ||
    db_query "SELECT group_concat(name, ',') FROM (SELECT name FROM history WHERE job_uuid = '$JOB' ORDER BY seq)"; }
executions() { db_query "SELECT count(*) FROM executions"; }

# --- In order, each with its reply.
make_batch "$WORK/first" run update update finish
expect_eq "$(batch "$WORK/first")" "200" "a batch of four events"
expect_eq "$(json_field result.replies.0.status),$(json_field result.replies.3.status)" "200,200" \
    "each message has its own reply"
expect_eq "$(json_field result.replies.3.reply.result.job.state)" "FINISHED" \
    "the last reply shows the job as its message left it"
expect_eq "$(events)" "create,run,update,update,finish" "applied in the batch's order"
expect_eq "$(executions)" "4" "one execution per message"

# --- The same batch again: answered from the keys, nothing applied twice.
expect_eq "$(batch "$WORK/first")" "200" "the same batch again"
expect_eq "$(json_field result.replies.0.status),$(json_field result.replies.3.status)" "200,200" \
    "answered as the first time"
expect_eq "$(events)" "create,run,update,update,finish" "nothing applied twice"
check
curl -s "$BASE/metrics" | grep -q 'outcome="replayed"' || fail "the metrics count the replayed messages"

# --- Stops at the first message not accepted: a run after validate is refused (409); the update
# after it is not handled and leaves no execution.
make_batch "$WORK/second" validate run update
expect_eq "$(batch "$WORK/second")" "200" "a batch with a refused message in the middle"
expect_eq "$(json_field 'result.replies' | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" \
    "2" "replies for the messages handled: up to the refused one"
expect_eq "$(json_field result.replies.1.status)" "409" "the refused message's own reply"
expect_eq "$(events)" "create,run,update,update,finish,validate" "nothing after the refusal applied"
expect_eq "$(executions)" "6" "no execution for the message not handled"

# --- Refused whole, nothing changed: not a batch, empty, too many, a message without a body,
# a synchronous message, a malformed key.
before=$(db_sum)
printf '%s' '{"message": []}' >"$WORK/bad1"
printf '%s' '{"messages": []}' >"$WORK/bad2"
python3 -c 'import json; print(json.dumps({"messages": [{"body": "{}"}] * 1001}))' >"$WORK/bad3"
printf '%s' '{"messages": [{"body": "{}"}, {"query": "name=run"}]}' >"$WORK/bad4"
printf '%s' '{"messages": [{"body": "{}", "query": "_abaco_synchronous=true"}]}' >"$WORK/bad5"
printf '%s' '{"messages": [{"body": "{}", "idempotency_key": ""}]}' >"$WORK/bad6"
for i in 1 2 3 4 5 6; do
    expect_eq "$(batch "$WORK/bad$i")" "400" "malformed batch $i"
done
check
batch "$WORK/bad4" >/dev/null
grep -q '"message 2 of the batch has no' "$OUT" || fail "a message without a body is named: $(cat "$OUT")"
expect_eq "$(db_sum)" "$before" "the database after the refused batches"

# --- Credentials as on the messages route.
check
[ "$(curl -s -o /dev/null -w '%{http_code}' -X POST --data-binary @"$WORK/first" "$URL/messages/batch")" = 401 ] ||
    fail "a batch without credentials is refused 401"

finish
