#!/usr/bin/env bash
# The Debian packages (docs/packaging.md), built with cpack from this build tree: three
# packages whose Depends follow what each holds (a compute node's pjm pulls in neither libpq
# nor a TLS server library), each with copyright and changelog, lintian clean of errors; then
# really installed with dpkg -i and removed with dpkg -r / --purge, checking what the maintainer
# scripts do (the pjm user, the sticky fallback folders, the conffile). It installs into the
# system, so it needs root, and refuses to run where a pjm package is installed already.
# pjm-test: one backend (packaging does not depend on the database)
# pjm-test: changes the system
source "$PJM_TEST_LIB"
[ "$(id -u)" = 0 ] || { echo "package_test: needs root: it installs and removes the packages" >&2; exit 1; }
for tool in cpack dpkg dpkg-deb lintian; do
    command -v "$tool" >/dev/null || { echo "package_test: $tool is not installed (scripts/install-deps)" >&2; exit 1; }
done
for p in pjm pjm-server pjm-postgres; do
    if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "installed"; then
        echo "package_test: the $p package is installed on this machine; the test will not replace it" >&2
        exit 1
    fi
done
BUILD=$(cd "$(dirname "$PJM")/.." && pwd)
HAD_USER=$(getent passwd pjm >/dev/null && echo yes || echo no)
SPOOL_BEFORE=$([ -e /var/spool/pjm ] && echo yes || echo no)
LIB_BEFORE=$([ -e /var/lib/pjm ] && echo yes || echo no)
cleanup() {
    dpkg --purge pjm-postgres pjm-server pjm >/dev/null 2>&1
    [ "$HAD_USER" = yes ] || userdel pjm >/dev/null 2>&1
    [ "$SPOOL_BEFORE" = yes ] || rm -rf /var/spool/pjm
    [ "$LIB_BEFORE" = yes ] || rm -rf /var/lib/pjm
}
trap cleanup EXIT

# --- Build the packages.
check
if ! (cd "$WORK" && cpack --config "$BUILD/CPackConfig.cmake" -B "$WORK/pkg") >"$WORK/cpack.log" 2>&1; then
    fail "cpack failed: $(tail -c 1500 "$WORK/cpack.log")"
    finish
fi
deb() { ls "$WORK"/pkg/"$1"_*.deb 2>/dev/null | head -1; }
CLI=$(deb pjm) SERVER=$(deb pjm-server) POSTGRES=$(deb pjm-postgres)
for f in "$CLI" "$SERVER" "$POSTGRES"; do
    check
    [ -f "$f" ] || { fail "cpack made no package among: $(ls "$WORK/pkg")"; finish; }
done
field() { dpkg-deb -f "$1" "$2"; }
contents() { dpkg-deb -c "$1" | awk '{print $6}'; }

# --- What each package holds and needs.
expect_absent_in() { check; case "$1" in *"$2"*) fail "$3: '$2' in '$1'" ;; esac; }
expect_in() { check; case "$1" in *"$2"*) ;; *) fail "$3: no '$2' in '$1'" ;; esac; }
VERSION=$(field "$CLI" Version)
expect_in "$(field "$CLI" Depends)" "libcurl4" "pjm depends on libcurl (its client module)"
for lib in libpq5 libssl3 libbrotli1 zlib1g libsqlite3; do
    expect_absent_in "$(field "$CLI" Depends)" "$lib" "pjm (what a compute node installs)"
done
expect_in "$(field "$SERVER" Depends)" "pjm (= $VERSION)" "pjm-server needs pjm of its version"
expect_in "$(field "$SERVER" Depends)" "libssl3" "pjm-server depends on libssl (HTTPS)"
expect_in "$(field "$SERVER" Depends)" "adduser" "pjm-server depends on adduser (its postinst)"
expect_in "$(field "$POSTGRES" Depends)" "pjm (= $VERSION)" "pjm-postgres needs pjm of its version"
expect_in "$(field "$POSTGRES" Depends)" "libpq5" "pjm-postgres depends on libpq"
expect_absent_in "$(field "$POSTGRES" Depends)" "libssl3 " "pjm-postgres"
for f in "$CLI" "$SERVER" "$POSTGRES"; do
    name=$(field "$f" Package)
    expect_absent_in "$(field "$f" Maintainer)" "localhost" "$name's Maintainer"
    expect_in "$(contents "$f")" "./usr/share/doc/$name/copyright" "$name's copyright"
    expect_in "$(contents "$f")" "./usr/share/doc/$name/changelog.gz" "$name's changelog"
done
expect_in "$(contents "$CLI")" "./usr/bin/pjm" "pjm holds the command"
expect_in "$(contents "$CLI")" "./usr/lib/pjm/pjm-remote-curl.so" "pjm holds the client module"
expect_absent_in "$(contents "$CLI")" "pjm-server.so" "pjm"
expect_absent_in "$(contents "$CLI")" "pjm-store-postgres.so" "pjm"
expect_in "$(contents "$SERVER")" "./usr/lib/pjm/pjm-server.so" "pjm-server holds the module"
expect_in "$(contents "$SERVER")" "./usr/lib/systemd/system/pjm-serve.service" "pjm-server holds the unit"
expect_in "$(contents "$SERVER")" "./etc/default/pjm-serve" "pjm-server holds /etc/default/pjm-serve"
expect_in "$(dpkg-deb -I "$SERVER" conffiles)" "/etc/default/pjm-serve" "/etc/default/pjm-serve is a conffile"
expect_in "$(contents "$POSTGRES")" "./usr/lib/pjm/pjm-store-postgres.so" "pjm-postgres holds the module"

# --- lintian: no errors (warnings and notes go to the log).
for f in "$CLI" "$SERVER" "$POSTGRES"; do
    check
    lintian --fail-on error --no-tag-display-limit "$f" >"$WORK/lintian.log" 2>&1 ||
        fail "lintian reports errors in $(basename "$f"): $(grep '^E:' "$WORK/lintian.log" | head -20)"
done

# --- pjm alone, as on a compute node: the command and the client, no server.
check
dpkg -i "$CLI" >"$WORK/dpkg.log" 2>&1 || { fail "dpkg -i pjm: $(tail -c 800 "$WORK/dpkg.log")"; finish; }
run_pjm() { /usr/bin/pjm "$@" >"$OUT" 2>"$ERR"; RC=$?; }
run_pjm --version
expect_rc 0 "the installed pjm runs"
expect_out "modules: remote-curl (in /usr/lib/pjm)" "pjm alone has the client module only"
for dir in /var/spool/pjm /var/lib/pjm; do
    expect_eq "$(stat -c '%a %U' "$dir")" "1777 root" "$dir is sticky and writable by all"
done
run_pjm serve --actor-id x --no-auth
expect_rc 1 "pjm serve without pjm-server"
expect_err "pjm-server" "the error names the package to install"

# --- pjm-server and pjm-postgres.
check
dpkg -i "$SERVER" "$POSTGRES" >"$WORK/dpkg.log" 2>&1 ||
    { fail "dpkg -i pjm-server pjm-postgres: $(tail -c 800 "$WORK/dpkg.log")"; finish; }
run_pjm --version
expect_out "modules: remote-curl server store-postgres" "every module is found"
check
getent passwd pjm >/dev/null || fail "pjm-server's postinst made no pjm user"
expect_eq "$(getent passwd pjm | cut -d: -f7)" "/usr/sbin/nologin" "the pjm user has no login shell"
if command -v systemd-analyze >/dev/null; then
    check
    SYSTEMD_LOG_LEVEL=warning systemd-analyze verify /usr/lib/systemd/system/pjm-serve.service \
        >"$WORK/verify.log" 2>&1 && [ ! -s "$WORK/verify.log" ] ||
        fail "systemd-analyze verify: $(head -c 600 "$WORK/verify.log")"
fi
# The service's user can run the server from the installed files.
mkdir -p "$WORK/svc" && chown pjm:pjm "$WORK/svc" && chmod 755 "$WORK"
setpriv --reuid pjm --regid pjm --init-groups /usr/bin/pjm serve --listen 127.0.0.1:0 \
    --db "$WORK/svc/pjm.db" --actor-id pkg --no-auth 2>"$WORK/svc.log" &
SVC=$!
for _ in $(seq 100); do grep -q "listening on" "$WORK/svc.log" && break; sleep 0.05; done
PORT=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$WORK/svc.log")
check
[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:${PORT:-9}/healthz")" = 200 ] ||
    fail "pjm serve as the pjm user does not answer: $(head -c 600 "$WORK/svc.log")"
kill "$SVC" 2>/dev/null
wait "$SVC" 2>/dev/null

# --- Removal: files go, the conffile stays until purge.
check
dpkg -r pjm-postgres pjm-server pjm >"$WORK/dpkg.log" 2>&1 || fail "dpkg -r: $(tail -c 800 "$WORK/dpkg.log")"
check
[ ! -e /usr/bin/pjm ] && [ ! -e /usr/lib/pjm/pjm-server.so ] || fail "dpkg -r left pjm's files"
check
[ -e /etc/default/pjm-serve ] || fail "dpkg -r removed the conffile (only purge should)"
check
dpkg --purge pjm-postgres pjm-server pjm >"$WORK/dpkg.log" 2>&1 || fail "dpkg --purge: $(tail -c 800 "$WORK/dpkg.log")"
check
[ ! -e /etc/default/pjm-serve ] || fail "dpkg --purge left /etc/default/pjm-serve"
if [ "$SPOOL_BEFORE" = no ]; then
    check
    [ ! -e /var/spool/pjm ] || fail "purge left the empty /var/spool/pjm"
fi
finish
