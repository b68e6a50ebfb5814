#!/usr/bin/env bash
# A job read shows one page of its history (docs/protocol.md#history-pages): the newest 100
# entries by default, --history/--before (history=, before= on the jobs route) for the rest,
# and never more than the byte budget, so a long history cannot make a reply of many MiB.
# Local `pjm status` and `pjm serve`'s jobs route page the same way; the client reads pages
# through the route.
source "$PJM_TEST_LIB"
command -v curl >/dev/null || { echo "$TEST_NAME: curl is not installed" >&2; exit 1; }

# A job with 2,500 history entries, made in a scratch SQLite file and brought over with
# pjm import (one transaction, instead of 2,500 sends): create, then updates 2..2500, each
# carrying its own number.
SCRATCH="$WORK/scratch.db"
P=$("$PJM" --db "$SCRATCH" --local pipeline add --name long) || exit 1
"$PJM" --db "$SCRATCH" --local --json create --pipeline "$P" --archive-path /a >"$WORK/c.json" || exit 1
"$PJM" --db "$SCRATCH" export >"$WORK/short.ndjson" || exit 1
python3 - "$WORK/short.ndjson" "$WORK/long.ndjson" <<'EOF'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
for r in lines:
    if r.get("type") == "job":
        created = r["history"][0]
        for n in range(2, 2501):
            r["history"].append({"uuid": "108%05x-0000-4000-8000-000000000000" % n, "name": "update",
                                 "date": created["date"], "data": {"n": n}})
        r["event_count"] = 2500
        r["last_event"] = "update"
    if r.get("type") == "end":
        r["events"] = 2500
with open(sys.argv[2], "w") as out:
    for r in lines:
        out.write(json.dumps(r) + "\n")
EOF
run import "$WORK/long.ndjson"
expect_rc 0 "importing a job with 2,500 history entries"
JOB=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["uuid"])' "$WORK/c.json")

# entries FIELD… : the history page on stdout as "start count first last" (first/last: the
# entries' own numbers, from their data).
page() {
    python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
d = d.get("result", d)
h = d["history"]
n = lambda e: e["data"].get("n", 1)
print(d["history_start"], len(h), n(h[0]) if h else "-", n(h[-1]) if h else "-", d["event_count"])
' "$OUT"
}

# --- Local status ---
run --local --json status "$JOB"
expect_rc 0 "status --json of a long job"
expect_eq "$(page)" "2401 100 2401 2500 2500" "the newest 100 entries by default, oldest first"
run --local --json status "$JOB" --history 1000 --before 2401
expect_rc 0 "status --history 1000 --before 2401"
expect_eq "$(page)" "1401 1000 1401 2400 2500" "the 1,000 entries before 2401"
run --local --json status "$JOB" --before 3
expect_eq "$(page)" "1 2 1 2 2500" "the first page ends at create"
run --local --json status "$JOB" --history 0
expect_eq "$(json_field history)" "[]" "--history 0: the job without history"
expect_eq "$(json_field event_count)" "2500" "--history 0 still counts the events"

run --local status "$JOB" --history 3
expect_rc 0 "human status of a page"
expect_out "history (events 2498 to 2500 of 2500):" "the heading says which entries are shown"
expect_out "(2497 events before these: pjm status $JOB --before 2498)" "the hint names the next page"
expect_out "  2500 " "entries keep their numbers"

for bad in 1001 -1 x 1.5; do
    run --local status "$JOB" --history "$bad"
    expect_rc 2 "--history $bad"
    expect_err "history must be a whole number of entries from 0 to 1000" "--history $bad names the bounds"
done
run --local status "$JOB" --before 0
expect_rc 2 "--before 0"
expect_err "before must be a history entry's number" "--before 0 says what it takes"

# --- The byte budget: six entries of ~0.9 MiB each, and a page holds only what fits in 4 MiB ---
PB=$("$PJM" --local pipeline add --name big) || exit 1
run --local --json create --pipeline "$PB" --archive-path /b
expect_rc 0 "create a job for big entries"
BIG=$(json_field uuid)
BIG_TOKEN=$(json_field token)
python3 -c 'import json; print(json.dumps({"blob": "x" * 900000}))' >"$WORK/big.json"
for i in 1 2 3 4 5 6; do
    "$PJM" --local event update "$BIG" --token "$BIG_TOKEN" --data @"$WORK/big.json" >/dev/null 2>"$ERR" ||
        { fail "big update $i: $(cat "$ERR")"; break; }
done
run --local --json status "$BIG" --history 1000
expect_rc 0 "status of a job with big entries"
# Newest first: 0 bytes before entry 7, 0.9 MB before 6, … 3.6 MB before 3 (< 4 MiB), 4.5 MB
# before 2: entries 3 to 7.
expect_eq "$(json_field history_start)" "3" "the page stops at the byte budget"
check
size=$(wc -c <"$OUT")
[ "$size" -lt 5000000 ] || fail "the reply is $size bytes"

# --- The jobs route and the client ---
BEARER=pjm-test-bearer-$RANDOM$RANDOM-abcdef
ACTOR=pjmtest
printf '%s\n' "$BEARER" >"$WORK/bearers"
start_server --bearer-file "$WORK/bearers"
http() { STATUS=$(curl -s -o "$OUT" -w '%{http_code}' -H "Authorization: Bearer $BEARER" "$@" 2>"$ERR"); }

http "$URL/jobs/$JOB"
expect_eq "$STATUS" 200 "GET the long job"
expect_eq "$(page)" "2401 100 2401 2500 2500" "the route's default page"
http "$URL/jobs/$JOB?history=1000&before=1401"
expect_eq "$(page)" "401 1000 401 1400 2500" "the route's history= and before="
http "$URL/jobs/$JOB?history=5000"
expect_eq "$STATUS" 400 "history= above 1000"
check
grep -q "history must be a whole number of entries from 0 to 1000" "$OUT" || fail "the route names the bounds: $(cat "$OUT")"
http "$URL/jobs/$JOB?before=7&before=9"
expect_eq "$STATUS" 400 "before= given twice"
check
grep -q "URL parameter before is given 2 times" "$OUT" || fail "the repeat is named: $(cat "$OUT")"
http "$URL/jobs/$BIG?history=1000"
expect_eq "$STATUS" 200 "GET the job with big entries"
check
size=$(wc -c <"$OUT")
[ "$size" -lt 5000000 ] || fail "the route's reply is $size bytes"

# The client asks the route for the same pages and prints them as local status does.
export PJM_BEARER_TOKEN="$BEARER"
"$PJM" --local status "$JOB" --history 5 --before 1000 >"$WORK/local.txt" 2>&1
run --url "$URL/messages" status "$JOB" --history 5 --before 1000
expect_rc 0 "client status of a page"
# (Relative times are blanked: the two reads may fall in different seconds.)
same_view() { sed -E 's/[0-9]+ (second|minute|hour|day)s? ago/… ago/g' "$1"; }
expect_eq "$(same_view "$OUT")" "$(same_view "$WORK/local.txt")" "the client shows the route's page as local status does"
# (Nothing listens on port 9: exit 2, not 7, shows the value was refused before connecting.)
run --url "http://127.0.0.1:9/actors/v2/$ACTOR/messages" --bearer-file "$WORK/bearers" \
    status "$JOB" --history 1001
expect_rc 2 "client --history 1001 is refused before anything is sent"

finish
