#!/usr/bin/env bash
# A PostgreSQL database that cannot be used is a storage failure (exit 8) that says what to do:
# an unreachable server, refused or missing credentials, a missing database, a schema newer than
# this pjm, an older one (pjm db migrate), a database holding another application's tables.
# Passwords never show. libpq's own environment (PGPASSWORD, PGSSLMODE, …) applies.
# pjm-test: one backend (PostgreSQL only, whatever the run)
source "$PJM_TEST_LIB"
need_postgres
TEST_BACKEND=postgres # (for the summary line)

# case_8 FRAGMENT WHAT ARGS… : pjm ARGS exits 8 and says FRAGMENT, as text and as --json.
case_8() {
    local fragment=$1 what=$2
    shift 2
    run "$@"
    expect_rc 8 "$what"
    expect_err "pjm: error: " "$what"
    expect_err "$fragment" "$what"
    run --json "$@"
    expect_rc 8 "$what (--json)"
    expect_json_error storage "$what (--json)"
}

CLOSED=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
case_8 "cannot connect to PostgreSQL" "unreachable server" \
    --local --db "postgresql://pjm:s3cr3t-pw@127.0.0.1:$CLOSED/pjm" pipeline list
expect_err "check that the server is running" "unreachable server: says what to check"
expect_absent "s3cr3t-pw" "unreachable server: the password in the URL"

WRONG=${PJM_TEST_POSTGRES_PASSWORD_URL/pjm_password@/pjm_password:not-the-pw@}
case_8 "password authentication failed" "refused password" --local --db "$WRONG" pipeline list
expect_err "check the user name and the password" "refused password: says what to check"
expect_absent "not-the-pw" "refused password: the password"

PGPASSWORD='' PGPASSFILE=/nonexistent case_8 "PGPASSWORD" "no password given" \
    --local --db "$PJM_TEST_POSTGRES_PASSWORD_URL" pipeline list

PGPASSWORD=$PJM_TEST_POSTGRES_PASSWORD run --db "$PJM_TEST_POSTGRES_PASSWORD_URL" db init
expect_rc 0 "PGPASSWORD from the environment"
expect_absent "$PJM_TEST_POSTGRES_PASSWORD" "db init with PGPASSWORD"
PGSSLMODE=require case_8 "SSL" "PGSSLMODE=require on a server without TLS" \
    --local --db "$PJM_TEST_POSTGRES_URL" pipeline list

case_8 "does not exist" "missing database" \
    --local --db "$(pg_url pjm_no_such_database)" pipeline list
expect_err "createdb" "missing database: says how to make it"

# --- schema versions
DB=$(new_postgres_database schema)
export PJM_DATABASE=$DB
run db init
expect_rc 0 "db init"
expect_out "initialized at schema version 9" "db init on an empty database"
run --local pipeline add --name p
expect_rc 0 "a pipeline"
psql "$DB" -XqAt -c "INSERT INTO pjm_schema_migrations (version) VALUES (99)"
case_8 "schema version 99" "a schema newer than this pjm" --local pipeline list
expect_err "upgrade pjm" "a newer schema: says what to do"
case_8 "upgrade pjm" "db migrate never downgrades" db migrate
psql "$DB" -XqAt -c "DELETE FROM pjm_schema_migrations WHERE version > 1" -c "DROP TABLE executions" -c "DROP TABLE execution_totals" -c "DROP FUNCTION pjm_count_execution" -c "DROP TABLE callback_receipts" -c "DROP INDEX jobs_by_updated" -c "DROP TABLE scheduler_claims"
case_8 "pjm db migrate" "a schema older than this pjm" --local pipeline list
run db init
expect_rc 0 "db init on an older schema"
expect_out "older than this pjm's 9" "db init on an older schema leaves it and says so"
run db migrate
expect_rc 0 "db migrate"
expect_out "migrated from schema version 1 to 9" "db migrate says what it did"
run --local pipeline list
expect_rc 0 "after db migrate"
expect_out "p" "the data survived the migration"

FOREIGN=$(new_postgres_database foreign)
psql "$FOREIGN" -XqAt -c "CREATE TABLE jobs (id integer)"
case_8 "another application" "a database with another application's tables" \
    --local --db "$FOREIGN" pipeline list

finish
