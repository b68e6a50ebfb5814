#!/usr/bin/env bash
# pjm export / pjm import move a site between backends without losing anything: a SQLite
# database goes to PostgreSQL and back, and every export along the way holds the same records;
# job tokens and the admin secret keep working; the file is readable by its owner only; a
# truncated export changes nothing; pjm db init / migrate report what they did.
# pjm-test: one backend (it uses a SQLite file and a PostgreSQL database itself)
source "$PJM_TEST_LIB"

SQLITE_A="$WORK/a.db"
PG=$(new_postgres_database moved) || exit 1
SQLITE_C="$WORK/back/c.db"

# --- a source database with a bit of everything
export PJM_DATABASE=$SQLITE_A
setup_job first '{"n": 1, "text": "ünïcode ✓ \"quoted\"", "f": 0.1, "big": 9007199254740993}'
JOB1=$JOB TOKEN1=$TOKEN
for e in run update finish; do
    data="{\"step\": \"$e\"}"
    # The run entry names the Slurm job it runs in: a scheduler claim, which moves with the job.
    [ "$e" = run ] && data='{"step": "run", "scheduler": {"name": "slurm", "job_id": "4242", "cluster": "c1"}}'
    run --local event "$e" "$JOB1" --token "$TOKEN1" --data "$data"
    expect_rc 0 "$e on the first job"
done
run --local --json create --pipeline "$PIPELINE" --archive-path /archive/2 --data '{"n": 2}' \
    --session s-2
JOB2=$(json_field uuid)
run --local delete "$JOB2" --token "$("$PJM" --local token admin)"
expect_rc 0 "hide the second job"
ADMIN_A=$("$PJM" --local token admin --at 1790000000)

# --- export: to a new file, owner only; never over an existing one without --force
umask 022
run --local export --output "$WORK/a.ndjson"
expect_rc 0 "export to a file"
expect_out "1 pipelines, 2 jobs (5 events) and 1 settings" "export summary"
expect_out "readable by you only" "export says the file is private"
expect_eq "$(stat -c %a "$WORK/a.ndjson")" "600" "the export is created owner-only, whatever the umask"
check
[ -z "$(ls "$WORK" | grep '\.tmp-')" ] || fail "a temporary file was left behind"
run --local export --output "$WORK/a.ndjson"
expect_rc 2 "export over an existing file"
expect_err "--force" "export over an existing file says how"
run --local --json export --output "$WORK/a.ndjson" --force
expect_rc 0 "export --force"
expect_eq "$(json_field jobs)" "2" "export --json counts jobs"
expect_eq "$(json_field events)" "5" "export --json counts events"
expect_eq "$(json_field claims)" "1" "export --json counts scheduler claims"
check
grep -q '"claims":\[{"claimed":"[^"]*","cluster":"c1","key":"slurm:4242"}\]' "$WORK/a.ndjson" ||
    fail "the first job's record does not carry its claim: $(grep -o '"claims":[^]]*]' "$WORK/a.ndjson")"
"$PJM" --local export >"$WORK/a-stdout.ndjson"
expect_eq "$(tail -n +2 "$WORK/a-stdout.ndjson")" "$(tail -n +2 "$WORK/a.ndjson")" \
    "export to stdout writes the same records"
check
grep -q '"salt"' "$WORK/a.ndjson" || fail "the export carries the salts (it is a backup)"

# --- SQLite → PostgreSQL
export PJM_DATABASE=$PG
run db init
expect_rc 0 "db init on an empty PostgreSQL database"
expect_out "initialized at schema version" "db init says what it did"
run --json db init
expect_eq "$(json_field before)" "$(json_field current)" "db init again: already current"
run db migrate
expect_rc 0 "db migrate on a current database"
expect_out "nothing to do" "db migrate on a current database"
run --local import "$WORK/a.ndjson"
expect_rc 0 "import into PostgreSQL"
expect_out "imported 1 pipelines, 2 jobs (5 events, 1 scheduler claims) and 1 settings" "import summary"
# The planner's statistics are fresh after the import, not left to autovacuum (a list page
# of a fresh import would otherwise sort every matching job).
expect_eq "$(psql "$PG" -XqAt -c "SELECT count(*) FROM pg_stat_user_tables WHERE relname IN ('jobs', 'history') AND last_analyze IS NOT NULL")" \
    "2" "import analyzed the jobs and history tables"
run --local export --output "$WORK/b.ndjson"
expect_rc 0 "export from PostgreSQL"
expect_eq "$(tail -n +2 "$WORK/b.ndjson")" "$(tail -n +2 "$WORK/a.ndjson")" \
    "PostgreSQL holds exactly what SQLite held"
expect_eq "$(psql "$PG" -XqAt -c "SELECT claim_key || ' ' || job_uuid || ' ' || cluster FROM scheduler_claims")" \
    "slurm:4242 $JOB1 c1" "the scheduler claim moved with its job"
run --local event validate "$JOB1" --token "$TOKEN1"
expect_rc 0 "the job's token works on the moved job"
expect_eq "$("$PJM" --local token admin --at 1790000000)" "$ADMIN_A" \
    "the admin secret moved with the data"
run --local import "$WORK/a.ndjson"
expect_rc 0 "importing again"
expect_out "already present and left as they were: 1 pipelines, 2 jobs" "importing again adds nothing"

# --- PostgreSQL → a new SQLite file (import makes it)
run --local export --output "$WORK/b2.ndjson"
export PJM_DATABASE=$SQLITE_C
run_in "$WORK/b2.ndjson" --local import -
expect_rc 0 "import from stdin into a new SQLite file"
run --local export --output "$WORK/c.ndjson"
expect_eq "$(tail -n +2 "$WORK/c.ndjson")" "$(tail -n +2 "$WORK/b2.ndjson")" \
    "back in SQLite, nothing lost"
run --local --json status "$JOB1"
expect_eq "$(json_field state)" "VALIDATING" "the event made on PostgreSQL came back"
run --local --json status "$JOB2"
expect_eq "$(json_field visible)" "false" "the hidden job is still hidden"

# --- bad files change nothing
head -n 3 "$WORK/a.ndjson" >"$WORK/truncated.ndjson"
fresh=$(new_database fresh)
export PJM_DATABASE=$fresh
"$PJM" db init >/dev/null
dump=$(db_dump)
run --local import "$WORK/truncated.ndjson"
expect_rc 3 "import of a truncated export"
expect_err "truncated" "import of a truncated export says so"
expect_eq "$(db_dump)" "$dump" "a truncated export changes nothing"
run --local import "$WORK/missing.ndjson"
expect_rc 2 "import of a missing file"
echo '{"format": "pjm-export", "version": 99}' >"$WORK/newer.ndjson"
run --local import "$WORK/newer.ndjson"
expect_rc 3 "import of a newer format"
expect_err "upgrade pjm" "import of a newer format says what to do"

finish
