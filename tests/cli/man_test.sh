#!/usr/bin/env bash
# man/pjm.1 renders without a single warning (groff -man -ww, and man-db's man --warnings), is
# plain ASCII, has the sections a reader looks for, carries this pjm's version, and lists every
# exit code that `pjm --help` names. docs_sync_test.sh checks it covers every command and option.
# pjm-test: one backend
source "$PJM_TEST_LIB"
MAN=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../man" && pwd)/pjm.1

check
if command -v groff >/dev/null; then
    groff -man -ww -z "$MAN" 2>"$WORK/groff.err"
    [ ! -s "$WORK/groff.err" ] || fail "groff -man -ww warns: $(head -c 800 "$WORK/groff.err")"
else
    fail "groff is not installed: run scripts/install-deps"
fi
check
if command -v man >/dev/null; then
    MANWIDTH=80 LC_ALL=C.UTF-8 man --warnings -E UTF-8 -l "$MAN" >"$WORK/man.txt" 2>"$WORK/man.err"
    [ ! -s "$WORK/man.err" ] || fail "man --warnings warns: $(head -c 800 "$WORK/man.err")"
    grep -q "pjm - record PipelineJobs" "$WORK/man.txt" || fail "man -l does not render the NAME line"
else
    fail "man is not installed: run scripts/install-deps"
fi

check
! LC_ALL=C grep -n '[^ -~]' "$MAN" >"$WORK/nonascii" || fail "non-ASCII characters: $(head -3 "$WORK/nonascii")"

for section in NAME SYNOPSIS DESCRIPTION COMMANDS "GLOBAL OPTIONS" SETTINGS ENVIRONMENT FILES \
    "EXIT STATUS" EXAMPLES SECURITY "SEE ALSO"; do
    check
    grep -qE "^\.SH \"?$section\"?\$" "$MAN" || fail "no section $section"
done

run --version
version=$(head -1 "$OUT" | awk '{print $2}')
check
grep -qE "^\.TH PJM 1 [0-9-]+ \"pjm $version\"" "$MAN" || fail ".TH does not name pjm $version"

# The exit codes of `pjm --help` ("Exit codes: 0 done, 1 internal, …") each have an entry.
run --help
codes=$(tr '\n' ' ' <"$OUT" | grep -oE 'Exit codes:[^.]*' | grep -oE '[0-9]+')
check
[ "$(wc -w <<<"$codes")" -ge 10 ] || fail "could not read the exit codes from pjm --help"
exit_status=$(awk '/^\.SH "?EXIT STATUS/ { inside = 1; next } /^\.SH/ { inside = 0 } inside' "$MAN")
for code in $codes; do
    check
    grep -qx "\.B $code" <<<"$exit_status" || fail "EXIT STATUS lacks exit code $code"
done
finish
