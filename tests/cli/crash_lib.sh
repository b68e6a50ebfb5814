# Helpers of the crash and delivery tests (crash_test.sh, delivery_test.sh), sourced after
# lib.sh: a pjm serve that can be killed and restarted on the same port, the acknowledgement
# logs of writers, and the checks every crash must pass (each acknowledged event in the history
# exactly once, nothing twice, every job's numbering whole, the database's integrity check).

ACTOR=pjmcrash
SERVE_PID=""
SERVE_STARTS=0
stop_serve() {
    if [ -n "$SERVE_PID" ]; then
        kill "$SERVE_PID" 2>/dev/null
        wait "$SERVE_PID" 2>/dev/null
    fi
    SERVE_PID=""
}
trap stop_serve EXIT

# free_port : a TCP port nothing listens on right now.
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_serve PORT : starts pjm serve on 127.0.0.1:PORT with the job database (no credentials
# needed), its log appended to $WORK/serve.log; waits until /healthz answers. Sets SERVE_PID.
start_serve() {
    local port=$1 i
    for i in $(seq 1 200); do
        "$PJM" serve --listen "127.0.0.1:$port" --actor-id "$ACTOR" --no-auth \
            >/dev/null 2>>"$WORK/serve.log" &
        SERVE_PID=$!
        SERVE_STARTS=$((SERVE_STARTS + 1))
        local j
        for j in $(seq 1 200); do
            curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$port/healthz" && return 0
            kill -0 "$SERVE_PID" 2>/dev/null || break
            sleep 0.02
        done
        # It exited (the port still held by a dying predecessor?) or never answered.
        kill -9 "$SERVE_PID" 2>/dev/null
        wait "$SERVE_PID" 2>/dev/null
        sleep 0.05
    done
    echo "$TEST_NAME: pjm serve did not start on port $port:" >&2
    tail -20 "$WORK/serve.log" >&2
    exit 1
}

# millis : the time in milliseconds.
millis() { echo $(($(date +%s%N) / 1000000)); }

# ack WRITER K : the writer's event K was acknowledged (its command exited 0 / HTTP 200).
# Each writer has its own log, $WORK/ack/WRITER, one K a line.
ack() { echo "$2" >>"$WORK/ack/$1"; }

# check_events WHAT JOB… : the jobs' histories hold every acknowledged update event exactly
# once, no event twice, each writer's events in the order it sent them; events whose writer was
# killed or got no reply may be there (they may have committed first) but only once. Update
# events carry {"w": WRITER, "k": K}; acknowledgements are in $WORK/ack/WRITER. Prints a line
# of figures.
check_events() {
    local what=$1 job n=0
    shift
    for job in "$@"; do
        n=$((n + 1))
        whole_status "$job" >"$WORK/status.$n.json" 2>"$ERR" ||
            { fail "$what: pjm status $job failed"; return; }
    done
    check
    python3 - "$WORK/ack" "$what" "$WORK"/status.*.json <<'PY' || fail "$what: the history does not match what was acknowledged"
import collections, json, os, sys
ack_dir, what = sys.argv[1], sys.argv[2]
seen = collections.Counter()
order = collections.defaultdict(list)
problems = []
for path in sys.argv[3:]:
    doc = json.load(open(path))
    history = doc["history"]
    if doc["event_count"] != len(history):
        problems.append(f"event_count {doc['event_count']} but {len(history)} history entries")
    for e in history:
        d = e["data"]
        if e["name"] == "update" and isinstance(d, dict) and "w" in d:
            seen[(d["w"], d["k"])] += 1
            order[d["w"]].append(d["k"])
acked = set()
for w in os.listdir(ack_dir):
    for line in open(os.path.join(ack_dir, w)):
        acked.add((w, int(line)))
twice = sorted(k for k, n in seen.items() if n > 1)
if twice:
    problems.append(f"{len(twice)} events in the history more than once, e.g. {twice[:5]}")
missing = sorted(acked - set(seen))
if missing:
    problems.append(f"{len(missing)} acknowledged events missing, e.g. {missing[:5]}")
for w, ks in order.items():
    if ks != sorted(ks):
        problems.append(f"writer {w}'s events out of order: {ks[:20]}")
unacked = len(set(seen) - acked)
print(f"  {what}: {len(acked)} acknowledged, {sum(seen.values())} in the history "
      f"({unacked} unacknowledged yet committed), {len(twice)} twice, {len(missing)} missing")
for p in problems:
    print("  " + p, file=sys.stderr)
sys.exit(1 if problems else 0)
PY
    rm -f "$WORK"/status.*.json
}

# check_database WHAT : every job's history numbered 1..event_count without gaps, its last
# event the job's, no history without its job; then the backend's own integrity check (SQLite:
# PRAGMA integrity_check and foreign_key_check; PostgreSQL: amcheck on every heap and B-tree
# index of pjm's tables).
check_database() {
    local what=$1
    expect_eq "$(db_query "SELECT count(*) FROM jobs j WHERE j.event_count <> (SELECT count(*) FROM history h WHERE h.job_uuid = j.uuid) OR j.event_count <> (SELECT coalesce(max(seq), 0) FROM history h WHERE h.job_uuid = j.uuid) OR j.last_event <> (SELECT name FROM history h WHERE h.job_uuid = j.uuid ORDER BY seq DESC LIMIT 1)")" \
        "0" "$what: jobs whose history has gaps or disagrees with the job row"
    expect_eq "$(db_query "SELECT count(*) FROM history WHERE job_uuid NOT IN (SELECT uuid FROM jobs)")" \
        "0" "$what: history without its job"
    expect_eq "$(db_query "SELECT count(*) - count(DISTINCT uuid) FROM history")" "0" \
        "$what: history entry UUIDs are unique"
    case "$PJM_DATABASE" in
    postgres://* | postgresql://*)
        # verify_heapam lists corrupt tuples (none expected); bt_index_check raises on a bad
        # index, which ON_ERROR_STOP turns into a failure.
        local out
        out=$(psql "$PJM_DATABASE" -XqAt -v ON_ERROR_STOP=1 \
            -c "SET client_min_messages = warning" -c "CREATE EXTENSION IF NOT EXISTS amcheck" \
            -c "SELECT count(*) FROM pg_class c, verify_heapam(c.oid) WHERE c.relkind = 'r' AND c.relnamespace = 'public'::regnamespace" \
            -c "SELECT count(bt_index_check(c.oid, true)) >= 0 FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam WHERE am.amname = 'btree' AND c.relnamespace = 'public'::regnamespace" 2>&1)
        expect_eq "$(echo "$out" | paste -sd' ')" "0 t" "$what: amcheck (corrupt tuples, index check)"
        ;;
    *)
        expect_eq "$(sqlite3 "$PJM_DATABASE" "PRAGMA integrity_check" 2>&1)" "ok" "$what: PRAGMA integrity_check"
        expect_eq "$(sqlite3 "$PJM_DATABASE" "PRAGMA foreign_key_check" 2>&1)" "" "$what: PRAGMA foreign_key_check"
        ;;
    esac
}
