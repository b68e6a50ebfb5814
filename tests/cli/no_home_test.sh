#!/usr/bin/env bash
# Defaults without HOME (docs/protocol.md#default-places), as a scheduler's epilogue runs pjm:
# `env -i PATH=/usr/bin:/bin PJM_URL=… pjm event …` as an ordinary user queues in that user's
# own outbox (under the passwd entry's home), where the same user's `pjm outbox flush` (with
# HOME) finds and delivers it; the default database goes there too; a user with no home at all
# (a service account, home /nonexistent) queues under /var/spool/pjm/user-UID. Two throwaway users
# are created and removed, so the test needs root.
# pjm-test: one backend (the users' own default databases and outboxes)
# pjm-test: changes the system
source "$PJM_TEST_LIB"
[ "$(id -u)" = 0 ] || { echo "no_home_test: needs root: it creates two throwaway users" >&2; exit 1; }
for tool in useradd userdel setpriv; do
    command -v "$tool" >/dev/null || { echo "no_home_test: $tool is not installed" >&2; exit 1; }
done

U1=pjmhome$RANDOM
U2=pjmnohome$RANDOM
U1HOME=$(mktemp -d /tmp/pjm-no-home-test.XXXXXX)
# The users run a copy of pjm and its modules from a folder they can reach (the build tree may
# sit under a folder closed to them).
BIN=$(mktemp -d /tmp/pjm-no-home-bin.XXXXXX)
chmod 755 "$BIN"
mkdir -p "$BIN/bin" "$BIN/lib/pjm"
cp "$PJM" "$BIN/bin/pjm"
cp "$(dirname "$PJM")/../lib/pjm/"*.so "$BIN/lib/pjm/"
chmod -R a+rX "$BIN"
UPJM=$BIN/bin/pjm
MADE_SPOOL=""
cleanup() {
    stop_server
    userdel "$U1" 2>/dev/null
    userdel "$U2" 2>/dev/null
    rm -rf "$U1HOME" "$BIN"
    [ -n "${U2ID:-}" ] && rm -rf "/var/spool/pjm/user-$U2ID"
    [ -n "$MADE_SPOOL" ] && rmdir /var/spool/pjm 2>/dev/null
    return 0
}
trap cleanup EXIT
useradd --no-create-home --home-dir "$U1HOME" --shell /bin/sh "$U1"
useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$U2"
chown "$U1:" "$U1HOME"
chmod 700 "$U1HOME"
U2ID=$(id -u "$U2")
# as USER ARGS… : runs ARGS as USER in an emptied environment, as an epilogue would.
as() {
    local user=$1
    shift
    { setpriv --reuid="$user" --regid="$(id -g "$user")" --clear-groups \
        env -i PATH=/usr/bin:/bin "$@" >"$OUT" 2>"$ERR"; } 2>/dev/null
    RC=$?
}
DOWN=http://127.0.0.1:9/actors/v2/pjm/messages # nothing listens on the discard port

setup_job demo '{"n": 1}'
ACTOR=pjm
start_server --no-auth
trap cleanup EXIT # start_server set its own; cleanup stops the server too

# --- an ordinary user without HOME: the passwd entry's home
as "$U1" PJM_URL="$DOWN" PJM_RETRIES=0 "$UPJM" event run "$JOB" --token "$TOKEN"
expect_rc 75 "no HOME: the event is queued"
expect_err "$U1HOME/.local/state/pjm/outbox" "no HOME: stderr names the outbox under the passwd home"
check
[ -n "$(ls "$U1HOME/.local/state/pjm/outbox/" 2>/dev/null)" ] || fail "nothing queued under $U1HOME"
check
[ "$(stat -c %U "$U1HOME/.local/state/pjm/outbox")" = "$U1" ] || fail "the outbox is not the user's own"
as "$U1" HOME="$U1HOME" "$UPJM" outbox list
expect_rc 0 "the same user with HOME lists it"
expect_out "run" "outbox list with HOME shows the epilogue's message"
as "$U1" HOME="$U1HOME" "$UPJM" outbox flush --url "$URL/messages"
expect_rc 0 "the same user with HOME flushes it"
expect_eq "$(db_query "SELECT state FROM jobs WHERE uuid = '$JOB'")" RUNNING "the queued run reached the manager"

# The default database follows the same rule.
as "$U1" "$UPJM" --local db init
expect_rc 0 "no HOME: db init on the default database"
check
[ -f "$U1HOME/.local/share/pjm/pjm.db" ] || fail "the default database is not under the passwd home"

# --- a service account with no home at all: /var/spool/pjm/user-UID
if [ ! -d /var/spool/pjm ]; then
    mkdir -p /var/spool/pjm
    MADE_SPOOL=1
fi
chmod 1777 /var/spool/pjm # as the package sets it up
as "$U2" PJM_URL="$DOWN" PJM_RETRIES=0 "$UPJM" event update "$JOB" --token "$TOKEN"
expect_rc 75 "no home at all: the event is queued"
expect_err "/var/spool/pjm/user-$U2ID/outbox" "no home at all: stderr names the system spool"
check
[ "$(stat -c '%U %a' "/var/spool/pjm/user-$U2ID/outbox")" = "$U2 700" ] ||
    fail "the spool outbox is not the account's own, mode 700: $(stat -c '%U %a' "/var/spool/pjm/user-$U2ID/outbox")"
as "$U2" "$UPJM" outbox flush --url "$URL/messages"
expect_rc 0 "the account flushes its spool"
expect_eq "$(db_query "SELECT last_event FROM jobs WHERE uuid = '$JOB'")" update "the queued update reached the manager"

finish
