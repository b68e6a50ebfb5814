#!/usr/bin/env bash
# Docs move with code. Walks `pjm --help` and every subcommand's --help (recursively) and fails
# when a command or long option the binary has is missing from the man page or from a shell
# completion, when a PJM_* variable the code reads is missing from the man page or the README,
# or when a config key is missing from the man page or contrib/config.toml.example. Prints
# exactly what is missing.
#
# man/pjm.1: each command has a section `.SS "pjm <command words>"` that names its options; the
#   global options are named in the section GLOBAL OPTIONS.
# completions/pjm.bash, pjm.fish, _pjm: each shell is asked what it offers for
#   `pjm <command> --<TAB>` and `pjm <command> <TAB>` (see completion_lib.sh), and for the values
#   of `pjm event <TAB>`, `pjm list --state <TAB>` and `pjm schema <TAB>`; the man page names
#   exactly the events and states of `pjm fsm`, and so do the lifecycle tables of the README and
#   docs/protocol.md.
# pjm-test: one backend
source "$PJM_TEST_LIB"
source "$(dirname "${BASH_SOURCE[0]}")/completion_lib.sh"
SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
MISSING=()
missing() { MISSING+=("missing from $1: $2"); } # missing WHERE WHAT

# --- what the binary has
declare -A OPTIONS=() CHILDREN=() # "pjm", "pjm token admin", … → its options, its subcommands
COMMANDS=()                       # every command path
walk() { # walk [WORDS…]: one command's --help, then its subcommands'
    local help line word section="" n path="$*"
    local -a subs=() names=()
    if ! help=$("$PJM" "$@" --help 2>&1); then
        check
        fail "'pjm $path --help' failed: $help"
        return
    fi
    while IFS= read -r line; do
        case $line in
        "Options:") section=opt ;;
        "Subcommands:") section=sub ;;
        "" | [!\ ]*) section="" ;; # a blank line, prose or another heading ends a list
        *)
            # An entry starts with exactly two spaces; a description wrapped onto a line of its
            # own starts with many.
            [[ $line =~ ^\ \ ([^ ]+) ]] || continue
            word=${BASH_REMATCH[1]}
            if [ "$section" = opt ]; then
                IFS=, read -ra names <<<"$word"
                for n in "${names[@]}"; do
                    # Every command has --help; the man page says so once.
                    [[ $n == --* ]] && ! [[ $n == --help && -n $path ]] && OPTIONS[pjm${path:+ $path}]+=" $n"
                done
            elif [ "$section" = sub ]; then
                CHILDREN[pjm${path:+ $path}]+=" $word"
                subs+=("$word")
                COMMANDS+=("${path:+$path }$word")
            fi
            ;;
        esac
    done <<<"$help"
    for word in "${subs[@]}"; do
        walk "$@" "$word"
    done
}
walk
check
[ "${#COMMANDS[@]}" -ge 10 ] || fail "found only ${#COMMANDS[@]} commands in --help"
check
[[ " ${OPTIONS[pjm]} " == *" --local "* && " ${OPTIONS[pjm token admin]} " == *" --key "* ]] ||
    fail "the walk did not find --local and 'token admin --key'"

# names WORD TEXT: TEXT names WORD (an option, a variable) as a word of its own
names() {
    local w=${1//./\\.}
    [[ $2 =~ (^|[^-a-zA-Z0-9_])$w($|[^-a-zA-Z0-9_]) ]]
}

# --- man/pjm.1, as plain text: roff escapes for '-' and fonts removed
MANTEXT=$(sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' -e 's/\\&//g' "$SRC/man/pjm.1")
man_section() { # man_section HEADING: the lines after the .SH/.SS heading, to the next heading
    awk -v h="$1" '/^\.S[HS] / { line = $0; sub(/^\.S[HS] +/, "", line); gsub(/"/, "", line)
                                 inside = (line == h); next }
                   inside' <<<"$MANTEXT"
}
for path in "" "${COMMANDS[@]}"; do
    heading=${path:+pjm $path}
    heading=${heading:-GLOBAL OPTIONS}
    text=$(man_section "$heading")
    # A command made only of subcommands (pjm token) is documented by theirs.
    [ -z "$text" ] && [ -n "${CHILDREN[pjm${path:+ $path}]:-}" ] &&
        [ -z "${OPTIONS[pjm${path:+ $path}]:-}" ] && continue
    check
    if [ -z "$text" ]; then
        missing man/pjm.1 "section .SS \"$heading\""
        continue
    fi
    for opt in ${OPTIONS[pjm${path:+ $path}]:-}; do
        check
        names "$opt" "$text" || missing man/pjm.1 "$opt in section '$heading'"
    done
done

# --- completions: ask each shell what it offers after `pjm <command> --` and `pjm <command> `
run --json fsm
EVENTS=$(python3 -c 'import json,sys; print(" ".join(e["event"] for e in json.load(open(sys.argv[1]))["events"] if e["event"] != "create"))' "$OUT")
STATES=$(python3 -c 'import json,sys; print(" ".join(s["state"] for s in json.load(open(sys.argv[1]))["states"]))' "$OUT")
KINDS=$("$PJM" schema --help | grep -oE '\{[a-z,]+\}' | head -1 | tr -d '{}' | tr , ' ')
check
[ -n "$EVENTS" ] && [ -n "$STATES" ] && [ -n "$KINDS" ] || fail "could not read events, states or schema kinds"

QUERIES="$WORK/queries"
for path in "" "${COMMANDS[@]}"; do
    printf 'opt|%s\tpjm %s--\n' "$path" "${path:+$path }"
    printf 'cmd|%s\tpjm %s\n' "$path" "${path:+$path }"
done >"$QUERIES"
printf 'val|events\tpjm event \nval|states\tpjm list --state \nval|kinds\tpjm schema \n' >>"$QUERIES"
for shell in bash fish zsh; do
    file=completions/pjm.$shell
    [ "$shell" != zsh ] || file=completions/_pjm
    if ! command -v "$shell" >/dev/null; then
        # scripts/install-deps installs the shells; CI must not skip them.
        check
        [ -z "${CI:-}" ] || fail "$shell is not installed: run scripts/install-deps"
        echo "SKIP: $shell is not installed, $file not checked (scripts/install-deps installs it)" >&2
        continue
    fi
    ask_completions "$shell" "$QUERIES" "$WORK/$shell.out" 2>"$WORK/$shell.err"
    check
    [ -s "$WORK/$shell.out" ] || fail "asking $file failed: $(head -c 400 "$WORK/$shell.err")"
    declare -A GOT=()
    while IFS= read -r line; do
        if [[ $line == @@* ]]; then label=${line#@@}; else GOT["$label $line"]=1; fi
    done <"$WORK/$shell.out"
    for path in "" "${COMMANDS[@]}"; do
        for opt in ${OPTIONS[pjm${path:+ $path}]:-}; do
            check
            [ -n "${GOT["opt|$path $opt"]:-}" ] || missing "$file" "'pjm${path:+ $path} --<TAB>' does not offer $opt"
        done
        for sub in ${CHILDREN[pjm${path:+ $path}]:-}; do
            check
            [ -n "${GOT["cmd|$path $sub"]:-}" ] || missing "$file" "'pjm${path:+ $path} <TAB>' does not offer $sub"
        done
    done
    for kind in events states kinds; do
        upper=${kind^^}
        for word in ${!upper}; do
            check
            [ -n "${GOT["val|$kind $word"]:-}" ] || missing "$file" "${kind%s} $word as a value"
        done
    done
    unset GOT
done

# --- the man page names every event and every state of `pjm fsm`, and no other
sorted_words() { tr ' ,' '\n\n' | sed '/^$/d' | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//'; }
man_events=$(man_section "pjm event" | awk '/^to a job:$/ { on = 1; next }
                                             on && /^\.BR? / { print $2 }
                                             on && /^\(admin\)\.$/ { exit }' | sorted_words)
man_states=$(tr '\n' ' ' <<<"$MANTEXT" | grep -oE '\(states [A-Z, ]+\)' | head -1 | tr -d '()' |
    sed 's/^states //' | sorted_words)
check
[ "$man_events" = "$(sorted_words <<<"$EVENTS")" ] ||
    missing man/pjm.1 "the events of 'pjm fsm' in section 'pjm event' (it names: $man_events)"
check
[ "$man_states" = "$(sorted_words <<<"$STATES")" ] ||
    missing man/pjm.1 "the states of 'pjm fsm' in '(states …)' (it names: $man_states)"

# --- the lifecycle tables of the README and of docs/protocol.md are the one of `pjm fsm`, row
# for row (the states a row allows in any order)
run --json fsm
cp "$OUT" "$WORK/fsm.json"
# lifecycle_table FILE HEADER: FILE's table under the line HEADER equals pjm fsm's, written with
# the README's words (event (admin) | allowed from | goes to) or protocol.md's (event | allowed in
# | new state | token).
lifecycle_table() {
    python3 - "$WORK/fsm.json" "$SRC/$1" "$2" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
lines = open(sys.argv[2]).read().splitlines()
header = sys.argv[3]
got = []
for line in lines[lines.index(header) + 2:]:
    if not line.startswith("|"):
        break
    got.append([cell.strip() for cell in line.strip("|").split("|")])
readme = header.count("|") == 4
want = []
for e in doc["events"]:
    every = len(e["from"]) == len(doc["states"])
    if readme:
        frm = "(new job only)" if not e["from"] else "any state" if every else ", ".join(e["from"])
        want.append([e["event"] + (" (admin)" if e["admin_only"] else ""), frm, e["to"]])
    else:
        frm = "— (a new job only)" if not e["from"] else "every state" if every else ", ".join(e["from"])
        token = "none" if not e["from"] else "admin" if e["admin_only"] else "job or admin"
        want.append([e["event"], frm, e["to"], token])
norm = lambda rows: sorted([r[0], ", ".join(sorted(r[1].split(", ")))] + r[2:] for r in rows)
if norm(got) != norm(want):
    print(sys.argv[2], "lifecycle table:", got, "\npjm fsm:", want, file=sys.stderr)
    sys.exit(1)
PY
}
check
lifecycle_table README.md "| event | allowed from | goes to |" ||
    missing README.md "the lifecycle table of 'pjm fsm' (see above)"
check
lifecycle_table docs/protocol.md "| event | allowed in | new state | token |" ||
    missing docs/protocol.md "the lifecycle table of 'pjm fsm' (see above)"

# --- every PJM_* variable the code reads is documented
mapfile -t SETTINGS_VARS < <(grep -ohE '"PJM_[A-Z0-9_]+"' "$SRC/src/cli/settings.cpp" | tr -d '"' | sort -u)
mapfile -t ALL_VARS < <(grep -rohE '"PJM_[A-Z0-9_]+"' "$SRC/src" | tr -d '"' | sort -u)
check
[ "${#SETTINGS_VARS[@]}" -ge 10 ] || fail "found only ${#SETTINGS_VARS[@]} PJM_* variables in settings.cpp"
README=$(<"$SRC/README.md")
for v in "${ALL_VARS[@]}"; do
    check
    names "$v" "$MANTEXT" || missing man/pjm.1 "environment variable $v"
done
for v in "${SETTINGS_VARS[@]}"; do
    check
    names "$v" "$README" || missing README.md "environment variable $v"
done

# --- every config key is documented and in the example config file, whose keys all work
EXAMPLE=$(<"$SRC/contrib/config.toml.example")
mapfile -t NAMES < <(grep -ohE '\{"[a-z_]+", "PJM_' "$SRC/src/cli/settings.cpp" | cut -d'"' -f2)
keys=0
for name in "${NAMES[@]}"; do
    echo "$name = \"1\"" >"$WORK/one.toml"
    "$PJM" --config "$WORK/one.toml" fsm >/dev/null 2>"$WORK/one.err"
    grep -q "unknown setting" "$WORK/one.err" && continue # not a config key (job_uuid, token)
    keys=$((keys + 1))
    check
    names "$name" "$MANTEXT" || missing man/pjm.1 "config key $name"
    check
    [[ $EXAMPLE =~ (^|$'\n')#?\ ?$name\ = ]] || missing contrib/config.toml.example "config key $name"
done
check
[ "$keys" -ge 10 ] || fail "found only $keys config keys"
sed -E 's/^#([a-z_]+ = )/\1/' <<<"$EXAMPLE" >"$WORK/example.toml"
run --config "$WORK/example.toml" fsm
expect_rc 0 "contrib/config.toml.example with every key uncommented"

if [ "${#MISSING[@]}" -gt 0 ]; then
    FAILURES=$((FAILURES + ${#MISSING[@]}))
    echo "The docs lag behind the binary (${#MISSING[@]} gaps):" >&2
    printf '%s\n' "${MISSING[@]}" >&2
fi
finish
