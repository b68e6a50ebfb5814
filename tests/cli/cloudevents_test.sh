#!/usr/bin/env bash
# CloudEvents 1.0 (docs/integrations.md#cloudevents) through real HTTP (curl) to pjm serve's
# messages route, on every backend, with the events and map of tests/fixtures/cloudevents:
# - structured mode (application/cloudevents+json) and binary mode (ce-* headers) make the
#   same entries: the map's event, the attributes and the data kept;
# - a field of the data picks the event (succeeded -> finish, failed -> fail); a type the map
#   does not name is answered 200 and not kept;
# - the same source + id again is a duplicate, whichever mode carries it; each job's events
#   replayed shuffled, 3 rounds, change nothing more;
# - refusals (no map, another specversion, a batch, missing attributes, a wrong token, data
#   that is not JSON) change nothing; a bad map stops pjm serve before it starts.
source "$PJM_TEST_LIB"
command -v curl >/dev/null || { echo "cloudevents_test: curl is not installed" >&2; exit 1; }
FIXTURES=$(cd "$(dirname "$PJM_TEST_LIB")/../fixtures/cloudevents" && pwd)

NONCE=ce-n0nce-$RANDOM$RANDOM$RANDOM$RANDOM
ACTOR=pjmce
printf '%s\n' "$NONCE" >"$WORK/nonces"
setup_job ce '{"n": 0}'
PIPELINE_UUID=$PIPELINE

new_job() { # new_job N : sets J and T
    run --local --json create --pipeline "$PIPELINE_UUID" --archive-path /archive/ce --data "{\"n\": $1}"
    [ "$RC" -eq 0 ] || { cat "$ERR" >&2; exit 1; }
    J=$(json_field uuid)
    T=$(json_field token)
}
structured() { # structured FIXTURE JOB TOKEN : reply in $OUT, status in $CODE
    CODE=$(curl -s -o "$OUT" -w '%{http_code}' -H 'Content-Type: application/cloudevents+json' \
        --data-binary @"$FIXTURES/$1.json" "$URL/messages?uuid=$2&token=$3&x-nonce=$NONCE" 2>"$ERR")
}
binary() { # binary FIXTURE JOB TOKEN : the same event in binary mode
    local args
    mapfile -t args < <(python3 - "$FIXTURES/$1.json" <<'PY'
import json, sys, urllib.parse
e = json.load(open(sys.argv[1]))
for k in ("specversion", "id", "source", "type", "subject", "time"):
    if k in e:
        print("-H"); print("ce-%s: %s" % (k, urllib.parse.quote(e[k], safe="/:-._~ ")))
print("-H"); print("Content-Type: " + e.get("datacontenttype", "application/json"))
print("--data-binary"); print(json.dumps(e["data"]))
PY
    )
    CODE=$(curl -s -o "$OUT" -w '%{http_code}' "${args[@]}" \
        "$URL/messages?uuid=$2&token=$3&x-nonce=$NONCE" 2>"$ERR")
}
history_of() {
    "$PJM" --local --json status "$1" |
        python3 -c 'import json,sys; print(" ".join(e["name"] for e in json.load(sys.stdin)["history"]))'
}
entries_of() { # the history without its dates and entry uuids
    "$PJM" --local --json status "$1" | python3 -c '
import json, sys
for e in json.load(sys.stdin)["history"][1:]:
    print(e["name"], json.dumps(e["data"], sort_keys=True))'
}
jobs_sum() { "$PJM" --local export | tail -n +2 | sha256sum | cut -d' ' -f1; }

# --- a bad map stops pjm serve before it starts
printf '{"types": {"x": "reset"}}' >"$WORK/bad-map.json"
run serve --listen 127.0.0.1:0 --actor-id "$ACTOR" --nonce-file "$WORK/nonces" --cloudevents-map "$WORK/bad-map.json"
expect_rc 2 "a map naming an admin-only event"
expect_err "reset" "the refusal names the event"
printf '{"types": ' >"$WORK/bad-map.json"
run serve --listen 127.0.0.1:0 --actor-id "$ACTOR" --nonce-file "$WORK/nonces" --cloudevents-map "$WORK/bad-map.json"
expect_rc 2 "a map that is not JSON"
expect_err "not valid JSON" "the refusal says the map is not JSON"

# --- no map: CloudEvents are refused
start_server --nonce-file "$WORK/nonces"
new_job 1
structured started "$J" "$T"
expect_eq "$CODE" 400 "no --cloudevents-map: refused"
grep -q -- "--cloudevents-map" "$OUT" || fail "the refusal does not say how to take CloudEvents: $(cat "$OUT")"
check
expect_eq "$(history_of "$J")" create "no --cloudevents-map: nothing changed"
stop_server
start_server --nonce-file "$WORK/nonces" --cloudevents-map "$FIXTURES/map.json"

# --- both modes, the same entries
new_job 2
S_JOB=$J S_TOK=$T
new_job 3
B_JOB=$J B_TOK=$T
for fixture in started progress succeeded; do
    structured "$fixture" "$S_JOB" "$S_TOK"
    expect_eq "$CODE" 200 "structured $fixture: answered"
    expect_eq "$(json_field result.kind)" CloudEvent "structured $fixture: the kind"
    expect_eq "$(json_field result.applied)" true "structured $fixture: applied"
    binary "$fixture" "$B_JOB" "$B_TOK"
    expect_eq "$CODE" 200 "binary $fixture: answered"
    expect_eq "$(json_field result.applied)" true "binary $fixture: applied"
done
expect_eq "$(history_of "$S_JOB")" "create run update finish" "structured: run, update, finish"
"$PJM" --local --json status "$S_JOB" >"$OUT"
expect_eq "$(json_field state)" FINISHED "structured: FINISHED"
expect_eq "$(json_field history.3.data.cloudevent.id)" A234-1234-1236 "the entry keeps the event's id"
expect_eq "$(json_field history.3.data.data.outcome.outputs.0)" s42.bam "the entry keeps the data"
expect_eq "$(json_field history.1.data.cloudevent.subject)" run-42 "the entry keeps the subject"
expect_eq "$(entries_of "$B_JOB")" "$(entries_of "$S_JOB")" "binary mode makes the same entries"

new_job 4
F_JOB=$J F_TOK=$T
structured started "$F_JOB" "$F_TOK"
binary failed "$F_JOB" "$F_TOK"
expect_eq "$(history_of "$F_JOB")" "create run fail" "outcome.status failed: fail"

# --- a type the map does not name: 200, not kept
new_job 5
sed 's/org.example.pipeline.run.progress/org.example.pipeline.log/' "$FIXTURES/progress.json" >"$WORK/other.json"
CODE=$(curl -s -o "$OUT" -w '%{http_code}' -H 'Content-Type: application/cloudevents+json' \
    --data-binary @"$WORK/other.json" "$URL/messages?uuid=$J&token=$T&x-nonce=$NONCE")
expect_eq "$CODE" 200 "a type the map does not name: answered"
expect_eq "$(json_field result.disposition)" omitted "a type the map does not name: omitted"
expect_eq "$(history_of "$J")" create "a type the map does not name: not kept"

# --- duplicates across modes, and shuffled replays
structured succeeded "$B_JOB" "$B_TOK"
expect_eq "$(json_field result.disposition)" duplicate "the same source + id in the other mode: a duplicate"
before=$(jobs_sum)
for round in 1 2 3; do
    for item in $(printf '%s\n' started:S progress:S succeeded:S started:B progress:B succeeded:B \
        started:F failed:F | shuf); do
        fixture=${item%%:*}
        case ${item##*:} in S) j=$S_JOB t=$S_TOK ;; B) j=$B_JOB t=$B_TOK ;; F) j=$F_JOB t=$F_TOK ;; esac
        if [ $((RANDOM % 2)) -eq 0 ]; then structured "$fixture" "$j" "$t"; else binary "$fixture" "$j" "$t"; fi
        expect_eq "$CODE" 200 "round $round, $item: answered"
    done
done
expect_eq "$(jobs_sum)" "$before" "replayed events changed nothing"

# --- refusals change nothing
new_job 6
before=$(jobs_sum)
Q="$URL/messages?uuid=$J&token=$T&x-nonce=$NONCE"
refused() { # refused CODE TEXT WHAT CURL_ARGS…
    local want=$1 text=$2 what=$3
    shift 3
    CODE=$(curl -s -o "$OUT" -w '%{http_code}' "$@" 2>"$ERR")
    expect_eq "$CODE" "$want" "$what"
    grep -q -- "$text" "$OUT" || fail "$what: the reply does not say '$text': $(cat "$OUT")"
    check
}
CE=(-H 'Content-Type: application/cloudevents+json')
refused 400 "CloudEvents 1.0" "specversion 0.3" "${CE[@]}" \
    -d '{"specversion": "0.3", "id": "x", "source": "/s", "type": "org.example.pipeline.run.started"}' "$Q"
refused 400 "not a valid CloudEvent" "no id" "${CE[@]}" \
    -d '{"specversion": "1.0", "source": "/s", "type": "org.example.pipeline.run.started"}' "$Q"
refused 400 "batch" "a batch" -H 'Content-Type: application/cloudevents-batch+json' \
    -d '[{"specversion": "1.0", "id": "x", "source": "/s", "type": "t"}]' "$Q"
refused 400 "not JSON" "binary data that is not JSON" -H 'ce-specversion: 1.0' -H 'ce-id: y' \
    -H 'ce-source: /s' -H 'ce-type: org.example.pipeline.run.started' -H 'Content-Type: application/json' \
    -d '{"run": ' "$Q"
refused 400 "must be a JSON object" "a structured body that is not JSON" "${CE[@]}" -d 'nope' "$Q"
refused 403 "token refused" "a wrong job token" "${CE[@]}" --data-binary @"$FIXTURES/started.json" \
    "$URL/messages?uuid=$J&token=$TOKEN&x-nonce=$NONCE"
refused 401 "no credentials" "no credential" "${CE[@]}" --data-binary @"$FIXTURES/started.json" \
    "$URL/messages?uuid=$J&token=$T"
expect_eq "$(jobs_sum)" "$before" "refusals changed nothing"

# --- text data in binary mode is kept as text
binary_text() {
    CODE=$(curl -s -o "$OUT" -w '%{http_code}' -H 'ce-specversion: 1.0' -H 'ce-id: txt-1' \
        -H 'ce-source: /s' -H 'ce-type: org.example.pipeline.run.started' \
        -H 'Content-Type: text/plain; charset=utf-8' --data-binary 'started on c101' "$Q")
}
binary_text
expect_eq "$CODE" 200 "text data: answered"
"$PJM" --local --json status "$J" >"$OUT"
expect_eq "$(json_field history.1.data.data)" "started on c101" "text data kept as text"

finish
