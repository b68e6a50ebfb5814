#!/usr/bin/env bash
# Job lists are pages (docs/protocol.md#job-lists): 100 jobs unless --limit says otherwise (at
# most 10,000), a full page names the cursor of the next, following the cursors lists every
# job once even while jobs are updated between pages, --since/--until bound the updated time,
# and pjm serve's jobs route pages the same way (cursor, since, until parameters).
source "$PJM_TEST_LIB"

run --local pipeline add --name pages
PIPELINE=$(cat "$OUT")
for n in $(seq 1 230); do
    "$PJM" --local create --pipeline "$PIPELINE" --archive-path "/a/$n" --data "{\"n\": $n}" \
        --template '{uuid}' >>"$WORK/created" || { echo "create $n failed" >&2; exit 1; }
done
expect_eq "$(wc -l <"$WORK/created")" "230" "230 jobs made"

# The default page, and the cursor under it.
run --local list
expect_rc 0 "list"
expect_eq "$(grep -c '^107' "$OUT")" "100" "a list is a page of 100 by default"
expect_out "(a page of 100; the next: add --cursor " "a full page names the next cursor"
run --local --json list
expect_eq "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$OUT")" "100" \
    "--json lists a page too"

# Following the cursors: every job once, in order; a job updated between two pages moves ahead
# of the cursor and is not listed twice.
cursor="" pages=0
: >"$WORK/listed"
while :; do
    run --local list --limit 40 ${cursor:+--cursor "$cursor"} --template '{updated},{uuid}'
    expect_rc 0 "page $((pages + 1))"
    [ -s "$OUT" ] || break
    cut -d, -f2 "$OUT" >>"$WORK/listed"
    pages=$((pages + 1))
    cursor=$(tail -1 "$OUT")
    if [ "$pages" = 2 ]; then # a job of the first page is updated now
        first=$(head -1 "$WORK/listed")
        "$PJM" --local event update "$first" --token "$("$PJM" --local token admin)" >/dev/null
    fi
    [ "$(wc -l <"$OUT")" -lt 40 ] && break
    [ "$pages" -lt 20 ] || { fail "the cursors never ended"; break; }
done
expect_eq "$pages" "6" "230 jobs in pages of 40"
expect_eq "$(sort "$WORK/listed" | uniq -d | wc -l)" "0" "no job listed twice"
expect_eq "$(sort -u "$WORK/listed" | wc -l)" "230" "every job listed"

# Bounds: limit from 1 to 10000; cursors and times checked before anything is read.
run --local list --limit 10000 --template '{uuid}'
expect_eq "$(wc -l <"$OUT")" "230" "--limit 10000 lists them all"
run --local list --limit 10001
expect_rc 2 "--limit above a page's maximum"
run --local list --cursor yesterday
expect_rc 2 "a malformed cursor"
expect_err "cursor must be UPDATED,UUID" "the cursor's form is explained"
run --local list --since noon
expect_rc 2 "a malformed --since"

# --since / --until on the updated time.
MID=$(db_query "SELECT updated FROM jobs ORDER BY updated, uuid LIMIT 1 OFFSET 115")
run --local list --limit 10000 --since "$MID" --template '{updated}'
check
python3 - "$OUT" "$MID" <<'PY' || fail "--since listed a job updated before it"
import sys
rows = open(sys.argv[1]).read().split()
assert rows and all(r >= sys.argv[2] for r in rows), rows[:3]
PY
SINCE=$(wc -l <"$OUT")
run --local list --limit 10000 --until "$MID" --template '{updated}'
UNTIL=$(wc -l <"$OUT")
expect_eq "$((SINCE + UNTIL))" "230" "--since and --until split the jobs at the same time"

# The jobs route: the same pages.
ACTOR=pages
start_server --no-auth
A="$URL"
PAGE1=$(curl -s "$A/jobs?limit=5" | python3 -c 'import json,sys; print(" ".join(j["uuid"] for j in json.load(sys.stdin)["result"]))')
LOCAL1=$("$PJM" --local list --limit 5 --template '{uuid}' | paste -sd' ')
expect_eq "$PAGE1" "$LOCAL1" "the route's first page is the local first page"
C=$("$PJM" --local list --limit 5 --template '{updated},{uuid}' | tail -1)
PAGE2=$(curl -s "$A/jobs?limit=5&cursor=$C" | python3 -c 'import json,sys; print(" ".join(j["uuid"] for j in json.load(sys.stdin)["result"]))')
LOCAL2=$("$PJM" --local list --limit 5 --cursor "$C" --template '{uuid}' | paste -sd' ')
expect_eq "$PAGE2" "$LOCAL2" "the route's next page follows the same cursor"
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' "$A/jobs?cursor=nope")" "400" "a bad cursor is 400"
DEFAULT=$(curl -s "$A/jobs" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["result"]))')
expect_eq "$DEFAULT" "100" "the route's default page is 100 too"
# Client mode through the route, with the cursor.
run --url "$A/messages" list --limit 5 --cursor "$C" --template '{uuid}'
expect_eq "$(paste -sd' ' "$OUT")" "$LOCAL2" "pjm list through the manager pages the same"
finish
