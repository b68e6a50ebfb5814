#!/usr/bin/env bash
# `cmake --install` into a temporary prefix, then the INSTALLED pjm: every file in its standard
# place, --version lists the modules installed under the prefix's lib/pjm, a job goes through
# its lifecycle in local mode, the man page renders with man -l, the completions load, and the
# systemd unit verifies. (The .deb is built by hand: cpack -G DEB in the build folder.)
# pjm-test: one backend
source "$PJM_TEST_LIB"
BUILD=$(cd "$(dirname "$PJM")/.." && pwd) # the build tree mirrors an installation: bin/pjm
PREFIX="$WORK/prefix"

check
if ! cmake --install "$BUILD" --prefix "$PREFIX" >"$WORK/install.log" 2>&1; then
    fail "cmake --install $BUILD failed: $(tail -c 800 "$WORK/install.log")"
    finish
fi
for f in bin/pjm share/man/man1/pjm.1 share/bash-completion/completions/pjm \
    share/zsh/site-functions/_pjm share/fish/vendor_completions.d/pjm.fish \
    share/doc/pjm/README.md share/doc/pjm/LICENSE share/doc/pjm/config.toml.example \
    lib/systemd/system/pjm-serve.service etc/default/pjm-serve share/doc/pjm/copyright; do
    check
    [ -f "$PREFIX/$f" ] || fail "cmake --install puts no $f"
done
check
[ -x "$PREFIX/bin/pjm" ] || fail "the installed pjm is not executable"

# From here on, the installed binary.
PJM="$PREFIX/bin/pjm"
run --version
expect_rc 0 "installed pjm --version"
expect_out "(in $PREFIX/lib/pjm)" "the installed pjm looks for modules under its prefix"
for module in "$BUILD"/lib/pjm/pjm-*.so; do
    name=$(basename "$module" .so)
    check
    [ -f "$PREFIX/lib/pjm/$name.so" ] || fail "module $name.so is not installed"
    check
    grep -qw -- "${name#pjm-}" <(grep '^modules:' "$OUT") || fail "--version does not list ${name#pjm-}"
done

setup_job installed
run --local event run "$JOB" --token "$TOKEN"
expect_rc 0 "installed pjm: event run"
run --local event finish "$JOB" --token "$TOKEN" --data '{"files": 3}'
expect_rc 0 "installed pjm: event finish"
run --local --json status "$JOB"
expect_rc 0 "installed pjm: status"
check
[ "$(json_field state)" = FINISHED ] || fail "installed pjm: the job is $(json_field state), not FINISHED"

check
MANWIDTH=80 man -l "$PREFIX/share/man/man1/pjm.1" >"$WORK/man.txt" 2>"$WORK/man.err" &&
    grep -q "pjm - record PipelineJobs" "$WORK/man.txt" ||
    fail "man -l of the installed page: $(head -c 400 "$WORK/man.err")"

check
bash --norc -c "source '$PREFIX/share/bash-completion/completions/pjm' && complete -p pjm" >/dev/null 2>&1 ||
    fail "the installed bash completion does not register for pjm"

# The unit, pointed at the installed binary (it names /usr/bin/pjm, where the .deb puts it).
if command -v systemd-analyze >/dev/null; then
    mkdir -p "$WORK/unit"
    sed "s|/usr/bin/pjm|$PREFIX/bin/pjm|g" "$PREFIX/lib/systemd/system/pjm-serve.service" >"$WORK/unit/pjm-serve.service"
    check
    MANPATH="$PREFIX/share/man" SYSTEMD_LOG_LEVEL=warning \
        systemd-analyze verify "$WORK/unit/pjm-serve.service" >"$WORK/verify.log" 2>&1 &&
        [ ! -s "$WORK/verify.log" ] ||
        fail "systemd-analyze verify pjm-serve.service: $(head -c 600 "$WORK/verify.log")"
fi
finish
