#!/usr/bin/env bash
# Where settings come from (docs/protocol.md#settings-and-their-sources): flags, then PJM_*
# variables, then the config file ($XDG_CONFIG_HOME/pjm/config.toml, or PJM_CONFIG / --config
# instead), then defaults; -v shows them with secrets redacted; `pjm token admin` prints the
# token of docs/protocol.md#tokens and nothing else.
# pjm-test: one backend (it names its own SQLite files at every level)
source "$PJM_TEST_LIB"

if [ -e /etc/pjm/config.toml ]; then
    echo "settings_test: /etc/pjm/config.toml exists on this machine; the defaults below assume" \
        "it does not" >&2
fi
unset PJM_DATABASE # lib.sh sets it; this test wants to see every level
CONFIG_DIR="$XDG_CONFIG_HOME/pjm"
mkdir -p "$CONFIG_DIR"
# pipelines DB : the names of the pipelines registered in a database, comma-separated.
pipelines() { sqlite3 "$1" "SELECT group_concat(name, ',') FROM (SELECT name FROM pipelines ORDER BY name)"; }

# --- database: default, then config, then PJM_DATABASE, then --db
run -v --local pipeline add --name by-default
expect_rc 0 "pipeline add with the default database"
expect_err "database = $XDG_DATA_HOME/pjm/pjm.db (default)" "-v names the default database"
expect_eq "$(pipelines "$XDG_DATA_HOME/pjm/pjm.db")" "by-default" \
    "the default database is \$XDG_DATA_HOME/pjm/pjm.db"

printf '# written by settings_test\ndatabase = "%s"  # the config level\n' "$WORK/config.db" \
    >"$CONFIG_DIR/config.toml"
run -v --local pipeline add --name by-config
expect_rc 0 "pipeline add with the config file's database"
expect_err "config file: $CONFIG_DIR/config.toml" "-v names the config file read"
expect_err "database = $WORK/config.db (config $CONFIG_DIR/config.toml)" "-v: database from config"
expect_eq "$(pipelines "$WORK/config.db")" "by-config" "config database beats the default"

PJM_DATABASE="$WORK/env.db" run -v --local pipeline add --name by-env
expect_rc 0 "pipeline add with PJM_DATABASE"
expect_err "database = $WORK/env.db (env PJM_DATABASE)" "-v: database from the environment"
expect_eq "$(pipelines "$WORK/env.db")" "by-env" "PJM_DATABASE beats the config file"

PJM_DATABASE="$WORK/env.db" run -v --local --db "$WORK/flag.db" pipeline add --name by-flag
expect_rc 0 "pipeline add with --db"
expect_err "database = $WORK/flag.db (flag --db)" "-v: database from the flag"
expect_eq "$(pipelines "$WORK/flag.db")" "by-flag" "--db beats PJM_DATABASE"
expect_eq "$(pipelines "$WORK/env.db")" "by-env" "the PJM_DATABASE file was left alone"
expect_eq "$(pipelines "$WORK/config.db")" "by-config" "the config database was left alone"
expect_eq "$(pipelines "$XDG_DATA_HOME/pjm/pjm.db")" "by-default" \
    "the default database was left alone"

# Without XDG_* variables the defaults live under $HOME.
(
    unset XDG_DATA_HOME XDG_CONFIG_HOME
    "$PJM" --local pipeline add --name home-default >/dev/null 2>&1
)
expect_eq "$(pipelines "$HOME/.local/share/pjm/pjm.db")" "home-default" \
    "without XDG_DATA_HOME the database is ~/.local/share/pjm/pjm.db"
mkdir -p "$HOME/.config/pjm"
printf 'database = "%s"\n' "$WORK/home-config.db" >"$HOME/.config/pjm/config.toml"
(
    unset XDG_CONFIG_HOME
    "$PJM" --local pipeline add --name home-config >/dev/null 2>&1
)
expect_eq "$(pipelines "$WORK/home-config.db")" "home-config" \
    "without XDG_CONFIG_HOME the config file is ~/.config/pjm/config.toml"

# --- which config file: --config, else PJM_CONFIG, else $XDG_CONFIG_HOME/pjm/config.toml
printf 'database = "%s"\n' "$WORK/pjm-config.db" >"$WORK/pjm-config.toml"
printf 'database = "%s"\n' "$WORK/flag-config.db" >"$WORK/flag-config.toml"
PJM_CONFIG="$WORK/pjm-config.toml" run -v --local pipeline add --name by-pjm-config
expect_rc 0 "PJM_CONFIG"
expect_err "config file: $WORK/pjm-config.toml" "-v names the PJM_CONFIG file"
check
grep -qF "config file: $CONFIG_DIR/config.toml" "$ERR" &&
    fail "with PJM_CONFIG the XDG config file must not be read as well"
expect_eq "$(pipelines "$WORK/pjm-config.db")" "by-pjm-config" "PJM_CONFIG replaces the XDG file"
PJM_CONFIG="$WORK/pjm-config.toml" run -v --config "$WORK/flag-config.toml" --local \
    pipeline add --name by-flag-config
expect_rc 0 "--config"
expect_eq "$(pipelines "$WORK/flag-config.db")" "by-flag-config" "--config beats PJM_CONFIG"
expect_eq "$(pipelines "$WORK/pjm-config.db")" "by-pjm-config" "--config: PJM_CONFIG file unused"
# A missing XDG file is no error; a missing PJM_CONFIG or --config file is.
mv "$CONFIG_DIR/config.toml" "$WORK/moved.toml"
run fsm
expect_rc 0 "no config file at all"
PJM_CONFIG="$WORK/none.toml" run fsm
expect_rc 2 "PJM_CONFIG naming a missing file"
expect_err "cannot read config file $WORK/none.toml" "PJM_CONFIG naming a missing file"
mv "$WORK/moved.toml" "$CONFIG_DIR/config.toml"

# --- local = true in the config file: no --local needed
export PJM_DATABASE="$WORK/local.db"
run pipeline list
expect_rc 2 "pipeline list without local mode"
expect_err "or use --local" "pipeline list without local mode or a manager says what to do"
printf 'local = true\n' >"$WORK/local.toml"
PJM_CONFIG="$WORK/local.toml" run pipeline add --name local-from-config
expect_rc 0 "local = true in the config file"
expect_eq "$(pipelines "$WORK/local.db")" "local-from-config" "local = true applied locally"
PJM_CONFIG="$WORK/local.toml" run --url https://tenant.example/actors/v2/A/messages \
    event run 107aaaaa-bbbb-5ccc-8ddd-eeeeeeeeeeee --token 0123456789abcdef
expect_rc 4 "local = true: an event goes to the database, not to --url"
printf 'local = false\n' >"$WORK/notlocal.toml"
PJM_CONFIG="$WORK/notlocal.toml" run pipeline list
expect_rc 2 "local = false in the config file"
PJM_CONFIG="$WORK/notlocal.toml" PJM_LOCAL=1 run pipeline list
expect_rc 0 "PJM_LOCAL=1 beats local = false"
PJM_CONFIG="$WORK/local.toml" PJM_LOCAL=0 run pipeline list
expect_rc 2 "PJM_LOCAL=0 beats local = true"

# --- admin tokens (docs/protocol.md#tokens), computed here independently
# py_token SECRET KEY LIFETIME UNIX_TIME
py_token() {
    python3 - "$@" <<'PY'
import hashlib, sys
secret, key, lifetime, at = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
w = at // lifetime
message = ":".join([secret, key] + list(str(w)))
print(hashlib.sha256(message.encode()).hexdigest()[:16])
PY
}
T=1700000000
# The worked example in docs/protocol.md#tokens: S:K:4:9:0:0:8:3:3 is the message of window
# 4900833.
expect_eq "$(PJM_ADMIN_SECRET=S PJM_ADMIN_KEY=K "$PJM" token admin --at $((4900833 * 3600 + 17)))" \
    "$(printf 'S:K:4:9:0:0:8:3:3' | sha256sum | cut -c1-16)" "docs/protocol.md's worked example"
for at in 0 1 3599 3600 $T 1764300000 4102444800; do
    expect_eq "$(PJM_ADMIN_SECRET=s3cret PJM_ADMIN_KEY=pjm-key "$PJM" token admin --at "$at")" \
        "$(py_token s3cret pjm-key 3600 "$at")" "admin token at $at"
done
expect_eq "$(PJM_ADMIN_SECRET=s3cret PJM_ADMIN_TOKEN_LIFETIME=600 "$PJM" token admin --at $T)" \
    "$(py_token s3cret pjm 600 $T)" "PJM_ADMIN_TOKEN_LIFETIME (and the default key 'pjm')"
expect_eq "$(PJM_ADMIN_SECRET=s3cret PJM_ADMIN_KEY=env-key PJM_ADMIN_TOKEN_LIFETIME=600 \
    "$PJM" token admin --at $T --key flag-key --lifetime 86400)" \
    "$(py_token s3cret flag-key 86400 $T)" "--key and --lifetime beat PJM_ADMIN_KEY/LIFETIME"
PJM_ADMIN_SECRET=s3cret PJM_ADMIN_TOKEN_LIFETIME=soon run token admin
expect_rc 2 "a lifetime that is not a number"
expect_err "admin_token_lifetime must be a whole number from 1 to 31622400" "a lifetime that is not a number"

# Numbers and switches are read strictly and within bounds: exit 2 naming the setting, its
# source and what is allowed, before anything is sent or written.
setup_job strict '{"n": 1}'
STRICT_URL=http://127.0.0.1:9/actors/v2/x/messages
strict() { # strict VAR=VALUE EXPECTED-MESSAGE
    env "$1" "$PJM" --url "$STRICT_URL" --no-outbox event update "$JOB" --token "$TOKEN" \
        >"$OUT" 2>"$ERR"
    RC=$?
    expect_rc 2 "$1"
    expect_err "$2" "$1: the message"
    expect_err "(env PJM_" "$1: where the value came from"
}
for bad in inf 1e300 9e18 0.0001 -5 nan 30s ' 5' 0x10; do
    strict "PJM_TIMEOUT=$bad" "timeout must be a number of seconds from 0.1 to 86400"
done
strict PJM_CONNECT_TIMEOUT=inf "connect_timeout must be a number of seconds from 0.1 to 86400"
strict PJM_RETRY_MAX_TIME=inf "retry_max_time must be a number of seconds from 0.1 to 86400"
strict PJM_RETRIES=1e3 "retries must be a whole number from 0 to 100"
strict PJM_RETRIES=101 "retries must be a whole number from 0 to 100"
strict PJM_LOCAL=maybe "local must be 1, true, yes, on or 0, false, no, off, not 'maybe'"
PJM_LOCAL=YES run status "$JOB"
expect_rc 0 "PJM_LOCAL=YES means local mode (any case)"
PJM_ADMIN_SECRET=s3cret PJM_ADMIN_TOKEN_LIFETIME=99999999999 run token admin
expect_rc 2 "an admin token lifetime of 3,000 years"
run --local token admin --lifetime 0
expect_rc 2 "--lifetime 0"
expect_err "must be above 0, not 0" "--lifetime 0 says what is allowed"
check
[ "$(wc -c <"$ERR")" -lt 300 ] || fail "--lifetime 0: a short message, not $(wc -c <"$ERR") bytes"

# Only the token on stdout, so TOKEN=$(pjm token admin) works; --json gives token and expires.
PJM_ADMIN_SECRET=s3cret run token admin --at $T
expect_rc 0 "token admin"
expect_eq "$(wc -l <"$OUT")" "1" "token admin prints one line"
expect_eq "$(cat "$OUT")" "$(py_token s3cret pjm 3600 $T)" "token admin prints only the token"
check
[ ! -s "$ERR" ] || fail "token admin writes nothing on stderr"
PJM_ADMIN_SECRET=s3cret run --json token admin --at $T
expect_rc 0 "token admin --json"
check
python3 - "$OUT" "$(py_token s3cret pjm 3600 $T)" $(((T / 3600 + 2) * 3600)) <<'PY' ||
import datetime, json, sys
doc = json.load(open(sys.argv[1]))
assert set(doc) == {"token", "expires"}, doc
assert doc["token"] == sys.argv[2], doc
# Valid in its window and the next one: it expires when the window after next begins.
end = datetime.datetime.fromtimestamp(int(sys.argv[3]), datetime.timezone.utc)
assert doc["expires"] == end.strftime("%Y-%m-%dT%H:%M:%S.000Z"), doc
PY
    fail "token admin --json is {\"token\", \"expires\"} with the right values"

# The current and the previous window are accepted, the one before is not.
now=$(date +%s)
prev=$(PJM_ADMIN_SECRET=s3cret "$PJM" token admin --at $((now - 3600)))
old=$(PJM_ADMIN_SECRET=s3cret "$PJM" token admin --at $((now - 7200)))
PJM_ADMIN_SECRET=s3cret run token verify "$prev"
expect_rc 0 "token of the previous window is valid"
expect_out "valid: admin token" "token of the previous window is valid"
PJM_ADMIN_SECRET=s3cret run token verify "$old"
expect_rc 5 "token of two windows ago is refused"

# --- admin_secret: PJM_ADMIN_SECRET, then the config's admin_secret, then admin_secret_file,
# then (local mode) the database's own secret.
unset PJM_CONFIG
printf 'file-secret\n' >"$WORK/admin.secret"
chmod 600 "$WORK/admin.secret"
run --local pipeline add --name for-tokens
DB_SECRET=$(sqlite3 "$PJM_DATABASE" "SELECT value FROM settings WHERE key = 'admin_secret'")
expect_eq "${#DB_SECRET}" "64" "a new database has its own admin secret"
# admin_token_for EXPECTED_SECRET WHAT ARGS… : `pjm ARGS token admin --at T` uses that secret.
admin_token_for() {
    local secret=$1 what=$2
    shift 2
    run "$@" token admin --at $T
    expect_rc 0 "$what"
    expect_eq "$(cat "$OUT")" "$(py_token "$secret" pjm 3600 $T)" "$what"
}
admin_token_for "$DB_SECRET" "no secret configured: local mode uses the database's" --local
run token admin --at $T
expect_rc 2 "no secret configured, not local"
expect_err "no admin secret" "no secret configured, not local"
printf 'admin_secret_file = "%s"\n' "$WORK/admin.secret" >"$CONFIG_DIR/config.toml"
admin_token_for file-secret "admin_secret_file in the config" --local
printf 'admin_secret = "config-secret"\nadmin_secret_file = "%s"\n' "$WORK/admin.secret" \
    >"$CONFIG_DIR/config.toml"
admin_token_for config-secret "admin_secret beats admin_secret_file in the same file" --local
PJM_ADMIN_SECRET=env-secret admin_token_for env-secret "PJM_ADMIN_SECRET beats the config" --local
PJM_ADMIN_SECRET_FILE="$WORK/admin.secret" admin_token_for file-secret \
    "PJM_ADMIN_SECRET_FILE beats the config's admin_secret" --local
printf 'admin_secret_file = "%s"\n' "$WORK/no-such.secret" >"$CONFIG_DIR/config.toml"
run --local token admin
expect_rc 2 "admin_secret_file that cannot be read"
expect_err "cannot read admin_secret_file $WORK/no-such.secret" "missing admin_secret_file"
: >"$WORK/empty.secret"
PJM_ADMIN_SECRET_FILE="$WORK/empty.secret" run --local token admin
expect_rc 2 "empty admin_secret_file"
expect_err "is empty" "empty admin_secret_file"
rm "$CONFIG_DIR/config.toml"

# The handler checks admin tokens against that same secret.
PIPE=$("$PJM" --local pipeline list --json 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["uuid"])')
run --local --json create --pipeline "$PIPE" --archive-path /a --data '{"k": 1}'
JOB=$(json_field uuid)
JOB_TOKEN=$(json_field token)
DB_ADMIN=$("$PJM" --local token admin)
ENV_ADMIN=$(PJM_ADMIN_SECRET=env-secret "$PJM" token admin)
PJM_ADMIN_SECRET=env-secret run --local event reset "$JOB" --token "$DB_ADMIN"
expect_rc 5 "with PJM_ADMIN_SECRET set, the database's admin token is refused"
PJM_ADMIN_SECRET=env-secret run --local event reset "$JOB" --token "$ENV_ADMIN"
expect_rc 0 "with PJM_ADMIN_SECRET set, its admin token is accepted"
run --local event ready "$JOB" --token "$DB_ADMIN"
expect_rc 0 "without it, the database's admin token is accepted"
expect_eq "$("$PJM" --local token job "$JOB")" "$JOB_TOKEN" "token job prints the job's token alone"
PJM_JOB_UUID=$JOB run --local --json token job
expect_eq "$(json_field token)" "$JOB_TOKEN" "token job --json, job from PJM_JOB_UUID"

# --- -v shows every setting and where it came from, secrets as <redacted>
printf 'admin_secret_file = "%s"\nnonce = "nonce-from-config-77"\n' "$WORK/admin.secret" \
    >"$CONFIG_DIR/config.toml"
PJM_BEARER_TOKEN=bearer-value-5581 PJM_TOKEN=token-value-0042 run -v --local token admin
expect_rc 0 "-v token admin"
expect_err "admin_secret = <redacted> (file $WORK/admin.secret)" "-v: admin secret redacted"
expect_err "bearer_token = <redacted> (env PJM_BEARER_TOKEN)" "-v: bearer redacted"
expect_err "nonce = <redacted> (config $CONFIG_DIR/config.toml)" "-v: nonce redacted"
expect_err "token = <redacted> (env PJM_TOKEN)" "-v: PJM_TOKEN redacted"
expect_err "admin_secret_file = $WORK/admin.secret" "-v: the secret's file name is shown"
for secret in file-secret bearer-value-5581 nonce-from-config-77 token-value-0042 "$DB_SECRET"; do
    expect_absent "$secret" "-v never shows a secret value"
done
PJM_ADMIN_SECRET=env-secret-9931 run -v --bearer flag-bearer-3317 --nonce flag-nonce-6620 \
    --dry-run --url https://tenant.example/m event run "$JOB" --token "$JOB_TOKEN"
expect_rc 0 "-v --dry-run with secrets on the command line"
expect_err "bearer_token = <redacted> (flag --bearer)" "-v: bearer from the flag redacted"
for secret in env-secret-9931 flag-bearer-3317 flag-nonce-6620 "$JOB_TOKEN"; do
    expect_absent "$secret" "-v --dry-run never shows a secret value"
done
rm "$CONFIG_DIR/config.toml"

# The SQLite file holds the admin secret and every salt: made 0600 in folders made 0700 whatever
# the umask; an existing file every user may read loses that right, with a warning.
if [ "$TEST_BACKEND" = sqlite ]; then
    (umask 000 && "$PJM" --local --db "$WORK/open/deep/p.db" pipeline add --name private >/dev/null)
    expect_eq "$(stat -c %a "$WORK/open" "$WORK/open/deep" "$WORK/open/deep/p.db" | tr '\n' ' ')" \
        "700 700 600 " "folders and database made under umask 000"
    chmod 0666 "$WORK/open/deep/p.db"
    run --local --db "$WORK/open/deep/p.db" pipeline list
    expect_rc 0 "a 0666 database still opens"
    expect_err "was readable or writable by every user (mode 0666)" "the warning about a 0666 database"
    expect_eq "$(stat -c %a "$WORK/open/deep/p.db")" 660 "a 0666 database made 0660"
    chmod 0640 "$WORK/open/deep/p.db"
    run --local --db "$WORK/open/deep/p.db" pipeline list
    expect_err "is readable by its group (mode 0640)" "the warning about a group-readable database"
    chmod 0600 "$WORK/open/deep/p.db"
    run --local --db "$WORK/open/deep/p.db" pipeline list
    expect_empty_err() { check; [ ! -s "$ERR" ] || fail "$1: $(cat "$ERR")"; }
    expect_empty_err "a 0600 database opens without a warning"
fi

finish
