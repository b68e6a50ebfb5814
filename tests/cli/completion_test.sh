#!/usr/bin/env bash
# The shell completions in completions/: each file parses, and each shell, asked as it would be
# on TAB, completes commands, nested subcommands, options (global ones after a command too),
# event names, states, schema kinds, file names, and job UUIDs, pipeline names and outbox ids
# from pjm itself (pjm __complete, the database with --local). docs_sync_test.sh checks that they cover
# every command and option of `pjm --help`.
# pjm-test: one backend
source "$PJM_TEST_LIB"
source "$(dirname "${BASH_SOURCE[0]}")/completion_lib.sh"

D="$WORK/files"
mkdir -p "$D/sub"
touch "$D/config.toml" "$D/payload.json" "$D/message.json"

# Every event a message may carry (all but create) and every state, as `pjm fsm` has them.
run --json fsm
EVENTS=$(python3 -c 'import json,sys; print(" ".join(sorted(e["event"] for e in json.load(open(sys.argv[1]))["events"] if e["event"] != "create")))' "$OUT")
STATES=$(python3 -c 'import json,sys; print(" ".join(sorted(s["state"] for s in json.load(open(sys.argv[1]))["states"])))' "$OUT")
check
[ -n "$EVENTS" ] && [ -n "$STATES" ] || fail "could not read the events and states of pjm fsm"

# Job UUIDs, pipeline names and outbox ids: the shells ask pjm (on PATH, as they find it).
mkdir -p "$WORK/bin"
ln -s "$PJM" "$WORK/bin/pjm"
export PATH="$WORK/bin:$PATH" PJM_OUTBOX="$WORK/outbox"
setup_job completion-demo
"$PJM" --url http://127.0.0.1:9/actors/v2/a/messages --retries 0 event run "$JOB" \
    --token "$TOKEN" >/dev/null 2>&1 # the manager is not there: queued
OUTBOX_ID=$("$PJM" --json outbox list | python3 -c '
import json, sys
doc = json.load(sys.stdin)
rows = doc if isinstance(doc, list) else doc.get("messages", doc.get("entries", []))
print(rows[0]["id"])')
check
[ -n "$OUTBOX_ID" ] || fail "no message was queued for the outbox id cases"

# label, partial command line, and what each shell must offer: "= WORDS" exactly these,
# "+ WORDS" at least these.
CASES="command	pjm ev	= event
events_f	pjm event f	= fail finalize finish
events_fi	pjm event fi	= finalize finish
all_events	pjm event 	= $EVENTS
state	pjm list --state RU	= RUNNING
all_states	pjm list --state 	= $STATES
token	pjm token 	= admin job verify
pipeline	pjm pipeline 	= add list
db	pjm db 	= init migrate prune
outbox	pjm outbox 	= drop flush list show
kinds	pjm schema 	= agave cloudevents create cromwell delete event nextflow slurm tapis urlparams
after_globals	pjm --local --db x.db --url https://h/m token a	= admin
token_admin	pjm token admin --	+ --at --key --lifetime
option_after_value	pjm --db x.db event run --to	= --token
global_after_command	pjm event run --lo	+ --local
delete_options	pjm delete --f	= --force
jobs	pjm --local status 	= $JOB
jobs_prefix	pjm --local event run ${JOB:0:6}	= $JOB
jobs_option	pjm --local outbox flush --job ${JOB:0:4}	= $JOB
pipelines	pjm --local create --pipeline com	= completion-demo
outbox_ids	pjm outbox show ${OUTBOX_ID:0:3}	= $OUTBOX_ID
export_formats	pjm export --format 	= ndjson prov-json ro-crate
export_jobs	pjm --local export --format ro-crate ${JOB:0:6}	= $JOB
export_more_jobs	pjm --local export --format prov-json other ${JOB:0:6}	= $JOB"
printf '%s\n' "$CASES" | cut -f1,2 >"$WORK/queries"
# File names: each shell words them its own way, so only their last part is compared.
FILE_CASES="config	pjm --config $D/co	config.toml
db	pjm --db $D/pa	payload.json
data	pjm event run --data @$D/pa	payload.json
handle	pjm handle $D/me	message.json"
printf '%s\n' "$FILE_CASES" | cut -f1,2 | sed 's/^/file_/' >>"$WORK/queries"

check_shell() { # check_shell SHELL
    local shell=$1 label line want got w
    ask_completions "$shell" "$WORK/queries" "$WORK/$shell.out" 2>"$WORK/$shell.err"
    while IFS=$'\t' read -r label line want; do
        got=$(answer "$label" "$WORK/$shell.out")
        check
        case $want in
        "= "*) [ "$got" = "${want#= }" ] || fail "$shell: '$line<TAB>' offers '$got', expected '${want#= }'" ;;
        "+ "*)
            for w in ${want#+ }; do
                [[ " $got " == *" $w "* ]] || fail "$shell: '$line<TAB>' offers '$got', lacking $w"
            done
            ;;
        esac
    done <<<"$CASES"
    while IFS=$'\t' read -r label line want; do
        got=$(answer "file_$label" "$WORK/$shell.out")
        check
        [[ " $got" == *[\ /@]"$want"* ]] || fail "$shell: '$line<TAB>' offers '$got', not $want"
    done <<<"$FILE_CASES"
}

check
bash -n "$COMPLETIONS_DIR/pjm.bash" || fail "completions/pjm.bash does not parse"
check_shell bash

for shell in zsh fish; do
    if ! command -v "$shell" >/dev/null; then
        check
        [ -z "${CI:-}" ] || fail "$shell is not installed: run scripts/install-deps"
        echo "SKIP: $shell is not installed (scripts/install-deps installs it)" >&2
        continue
    fi
    check
    if [ "$shell" = zsh ]; then
        zsh -n "$COMPLETIONS_DIR/_pjm" || fail "completions/_pjm does not parse"
    else
        fish --no-execute "$COMPLETIONS_DIR/pjm.fish" || fail "completions/pjm.fish does not parse"
    fi
    check_shell "$shell"
done

# Completing a command name works in fish: 'pjm ev' gives 'event'.
if command -v fish >/dev/null; then
    check
    got=$(fish --no-config -c "source '$COMPLETIONS_DIR/pjm.fish'; complete -C 'pjm ev'" | cut -f1)
    [ "$got" = event ] || fail "fish: complete -C 'pjm ev' gives '$got'"
fi
finish
