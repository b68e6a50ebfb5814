#!/usr/bin/env bash
# pjm-test: one backend
# pjm-test: sanitize on SQLite too (the dashboard's routes, files and counts under ASan)
# The dashboard of pjm serve (docs/dashboard.md) in a real browser: headless Chromium from
# Debian driven by puppeteer-core (tests/node/dashboard.mjs) against a real pjm serve with real
# jobs (33 of them in several states and two pipelines, one with 120+ events, one with 5,201,
# one with hostile data): the table is the jobs route's page, filters and paging agree with it, a job page shows
# its whole history, lifecycle and executions, a new event shows within 2 s, hostile data runs
# no script, keyboard, phone and dark scheme. Then, over curl: the viewer credential reads but
# cannot send, the files' headers and weight, and --no-ui. (One backend: the pages only read
# the routes, which every backend's tests cover.)
source "$PJM_TEST_LIB"
NODE_DIR=$(cd "$(dirname "$PJM_TEST_LIB")/../node" && pwd)
CHROMIUM=$(command -v chromium || true)
[ -n "$CHROMIUM" ] || { echo "$TEST_NAME: chromium is not installed: run scripts/install-deps" >&2; exit 1; }
[ -d "$NODE_DIR/node_modules/puppeteer-core" ] ||
    { echo "$TEST_NAME: puppeteer-core is not installed: run scripts/install-deps" >&2; exit 1; }

# --- jobs: two pipelines, 30 jobs in several states, a long-lived RUNNING job, a hostile one
MAIN=$("$PJM" --local pipeline add --name main-pipeline) || exit 1
OTHER=$("$PJM" --local pipeline add --name other-pipeline) || exit 1
export PJM_TOKEN=$("$PJM" --local token admin)
: >"$WORK/events.ndjson"
for i in $(seq 1 30); do
    p=$MAIN
    [ $((i % 3)) = 0 ] && p=$OTHER
    uuid=$("$PJM" --local create --pipeline "$p" --archive-path "/archive/run-$i" \
        --data "{\"n\": $i}" --template '{uuid}') || exit 1
    case $((i % 5)) in
    0) printf '{"uuid":"%s","name":"run"}\n{"uuid":"%s","name":"fail","data":{"message":"exit 1"}}\n' "$uuid" "$uuid" ;;
    1) printf '{"uuid":"%s","name":"run"}\n{"uuid":"%s","name":"finish"}\n' "$uuid" "$uuid" ;;
    2) printf '{"uuid":"%s","name":"run"}\n' "$uuid" ;;
    esac >>"$WORK/events.ndjson"
done
LIVE=$("$PJM" --local create --pipeline "$MAIN" --archive-path /archive/live --data '{"live": true}' \
    --template '{uuid}') || exit 1
printf '{"uuid":"%s","name":"run"}\n' "$LIVE" >>"$WORK/events.ndjson"
for i in $(seq 1 120); do printf '{"uuid":"%s","name":"update","data":{"step":%d}}\n' "$LIVE" "$i"; done \
    >>"$WORK/events.ndjson"
# A long history: 5,201 events, more than the page reads at once.
LONG=$("$PJM" --local create --pipeline "$MAIN" --archive-path /archive/long --data '{"long": true}' \
    --template '{uuid}') || exit 1
printf '{"uuid":"%s","name":"run"}\n' "$LONG" >>"$WORK/events.ndjson"
for i in $(seq 1 5199); do printf '{"uuid":"%s","name":"update","data":{"i":%d}}\n' "$LONG" "$i"; done \
    >>"$WORK/events.ndjson"
HOSTILE=$("$PJM" --local create --pipeline "$OTHER" --archive-path '/archive/<b>bold</b>' \
    --session '<img src=x onerror=window.__pwned=4>' \
    --data '{"note": "<script>window.__pwned=1</script>", "attr": "\"onerror=\"window.__pwned=2", "<i>key</i>": 1}' \
    --template '{uuid}') || exit 1
printf '{"uuid":"%s","name":"run","data":{"img":"<img src=x onerror=window.__pwned=3>"}}\n' "$HOSTILE" \
    >>"$WORK/events.ndjson"
run --local event --batch "$WORK/events.ndjson"
expect_rc 0 "the events of the fixture jobs"
TOTAL=$("$PJM" --local --json list --limit 1000 | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
expect_eq "$TOTAL" 33 "33 jobs"
LIVE_TOKEN=$("$PJM" --local token job "$LIVE")
# The oldest CREATED job, which the browser test makes run.
QUIET=$("$PJM" --local --json list --state CREATED --limit 1000 | python3 -c 'import json,sys; print(json.load(sys.stdin)[-1]["uuid"])')
QUIET_TOKEN=$("$PJM" --local token job "$QUIET")

# --- pjm serve with a message credential and a viewer credential
BEARER=bearer-$RANDOM$RANDOM$RANDOM$RANDOM
VIEWER=viewer-$RANDOM$RANDOM$RANDOM$RANDOM
printf '%s\n' "$BEARER" >"$WORK/bearers"
printf '%s\n' "$VIEWER" >"$WORK/viewers"
ACTOR=pjmdash
start_server --bearer-file "$WORK/bearers" --viewer-credential-file "$WORK/viewers"
code() { curl -s -o "$WORK/body" -D "$WORK/headers" -w '%{http_code}' "$@"; }
# A few messages through HTTP, so that there are executions to show.
for name in update update; do
    expect_eq "$(code -H "Authorization: Bearer $BEARER" -d "{\"uuid\":\"$LIVE\",\"name\":\"$name\",\"token\":\"$LIVE_TOKEN\"}" "$URL/messages")" 200 "a message over HTTP"
done

# --- the viewer credential reads and cannot send
expect_eq "$(code -H "Authorization: Bearer $VIEWER" "$URL/jobs?limit=5")" 200 "a viewer reads the jobs"
expect_eq "$(code -H "Authorization: Bearer $VIEWER" "$URL/jobs/counts")" 200 "a viewer reads the counts"
expect_eq "$(json_of_body() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["result"]["total"])' "$WORK/body"; }; json_of_body)" 33 "the counts' total"
expect_eq "$(code -H "Authorization: Bearer $VIEWER" "$URL/jobs/$LIVE/executions")" 200 "a viewer reads a job's executions"
expect_eq "$(code -H "Authorization: Bearer $VIEWER" "$URL/pipelines")" 200 "a viewer reads the pipelines"
expect_eq "$(code -H "Authorization: Bearer $VIEWER" -d "{\"uuid\":\"$LIVE\",\"name\":\"update\",\"token\":\"$LIVE_TOKEN\"}" "$URL/messages")" 401 "a viewer cannot send a message"
expect_eq "$(code -H "Authorization: Bearer wrong$VIEWER" "$URL/jobs")" 401 "a wrong credential reads nothing"

# --- the files: headers, types, weight
expect_eq "$(code "$BASE/ui")" 308 "/ui redirects"
check
grep -qi '^location: /ui/' "$WORK/headers" || fail "/ui redirects to /ui/"
WEIGHT=0
for f in "" app.js style.css favicon.svg lifecycle.svg config.json lifecycle.json; do
    expect_eq "$(code "$BASE/ui/$f")" 200 "GET /ui/$f"
    check
    grep -qi "^content-security-policy: default-src 'none'; script-src 'self'" "$WORK/headers" ||
        fail "/ui/$f: no strict Content-Security-Policy"
    check
    grep -qi '^x-content-type-options: nosniff' "$WORK/headers" || fail "/ui/$f: no nosniff"
    WEIGHT=$((WEIGHT + $(stat -c %s "$WORK/body")))
done
check
grep -qi '^content-type: text/javascript' <(code "$BASE/ui/app.js" >/dev/null; cat "$WORK/headers") ||
    fail "app.js is not text/javascript"
check
[ "$WEIGHT" -lt 120000 ] || fail "the dashboard weighs $WEIGHT bytes (more than 120 kB)"
echo "dashboard: $WEIGHT bytes uncompressed (page, script, style, lifecycle picture and table)"
expect_eq "$(code "$BASE/ui/../healthz")" 200 "a path is normalised by curl, not by the route"
expect_eq "$(code "$BASE/ui/nothing.js")" 404 "an unknown file"
check
! grep -q "$VIEWER\|$BEARER" "$WORK/body" || fail "a credential in a reply"
check
python3 - "$BASE" <<'PY' || fail "config.json/lifecycle.json are not what the page needs"
import json, sys, urllib.request
base = sys.argv[1]
c = json.load(urllib.request.urlopen(base + "/ui/config.json"))
assert c == {"actor_id": "pjmdash", "api": "/actors/v2/pjmdash"}, c
l = json.load(urllib.request.urlopen(base + "/ui/lifecycle.json"))
assert [s["name"] for s in l["states"]][:3] == ["CREATED", "RUNNING", "FAILED"], l["states"]
run = [e for e in l["events"] if e["name"] == "run"][0]
assert run["from"] == {"CREATED": "RUNNING", "RUNNING": "RUNNING"}, run
PY

# --- the browser
mkdir -p "$WORK/shots"
# The database's own first page, as pjm list reads it: what the table must show first.
DB_FIRST=$("$PJM" --local --json list --limit 25 | python3 -c 'import json,sys; print(",".join(j["uuid"] for j in json.load(sys.stdin)))')
check
DB_FIRST=$DB_FIRST BASE=$BASE API=$URL BEARER=$BEARER VIEWER=$VIEWER HOSTILE=$HOSTILE LIVE=$LIVE LIVE_TOKEN=$LIVE_TOKEN \
    QUIET=$QUIET QUIET_TOKEN=$QUIET_TOKEN LONG=$LONG \
    TOTAL=$TOTAL SHOTS="$WORK/shots" CHROMIUM=$CHROMIUM HOME="$WORK/home" \
    node "$NODE_DIR/dashboard.mjs" >"$WORK/browser.out" 2>&1 || fail "in the browser: $(cat "$WORK/browser.out")"
cat "$WORK/browser.out"
for shot in jobs job hostile executions health jobs-phone job-dark; do
    check
    [ -s "$WORK/shots/$shot.png" ] || fail "no screenshot $shot.png"
done
# PJM_TEST_SCREENSHOTS=DIR keeps them (the README's pictures come from here).
[ -n "${PJM_TEST_SCREENSHOTS:-}" ] && cp "$WORK/shots/"*.png "$PJM_TEST_SCREENSHOTS/"
stop_server

# --- --no-ui
start_server --bearer-file "$WORK/bearers" --no-ui
expect_eq "$(code "$BASE/ui/")" 404 "--no-ui: no dashboard"
expect_eq "$(code "$BASE/ui/app.js")" 404 "--no-ui: no files"
expect_eq "$(code -H "Authorization: Bearer $BEARER" "$URL/jobs?limit=1")" 200 "--no-ui: the API stays"
stop_server
finish
