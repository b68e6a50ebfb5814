#!/usr/bin/env bash
# docs/epilogue.md's recipes, run as they are written: every fenced block marked
# <!-- test: NAME --> is extracted and run against a real database (local mode through
# PJM_LOCAL, as a site's config file would set it), with the scheduler faked only where it
# speaks to the script: SLURM_*/PBS_* variables, the PBS epilogue's arguments, a job killed
# outright (SIGKILL to its whole process group). Then the job's state and history are checked.
# The epilogues also run in client mode with the manager down (exit 0, the event queued in the
# outbox) and the outbox is flushed into a pjm serve that comes up afterwards.
source "$PJM_TEST_LIB"
SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
DOC=$SRC/docs/epilogue.md
SNIP=$WORK/snippets

# --- the snippets
NAMES=$(python3 - "$DOC" "$SNIP" <<'PY'
import os, re, sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
os.makedirs(sys.argv[2])
names = []
for i, line in enumerate(lines):
    m = re.fullmatch(r"<!-- test: ([a-z0-9-]+) -->", line.strip())
    if not m:
        continue
    name = m.group(1)
    assert name not in names, f"{name} is marked twice"
    assert i + 1 < len(lines) and re.fullmatch(r"```(sh|bash)", lines[i + 1]), \
        f"the marker of {name} is not followed by a ```sh block"
    end = lines.index("```", i + 2)  # ValueError: the block never closes
    with open(os.path.join(sys.argv[2], name + ".sh"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines[i + 2:end]) + "\n")
    names.append(name)
print(" ".join(sorted(names)))
PY
)
check
[ "$NAMES" = "pbs-epilogue pbs-jobscript slurm-epilog slurm-jobscript wrapper" ] ||
    fail "docs/epilogue.md marks '$NAMES', expected the five recipes"
for f in "$SNIP"/*.sh; do
    check
    shell=bash
    [ "$(head -1 "$f")" = "#!/bin/sh" ] && shell=sh # the wrapper must stay POSIX: dash checks it
    "$shell" -n "$f" 2>"$ERR" || fail "$(basename "$f"): $shell -n: $(cat "$ERR")"
done

# --- the stage: pjm on PATH, a submit folder with inputs and a pipeline, a spool folder
mkdir -p "$WORK/bin" "$WORK/spool" "$WORK/tmp"
ln -s "$PJM" "$WORK/bin/pjm"
export PATH="$WORK/bin:$PATH" TMPDIR="$WORK/tmp" PJM_SPOOL="$WORK/spool"
SUBMIT=$WORK/submit
mkdir -p "$SUBMIT/inputs" "$WORK/empty-submit"
echo ACGT >"$SUBMIT/inputs/s1.fastq"
cat >"$SUBMIT/run-pipeline.sh" <<'EOF'
#!/bin/sh
ls "$1"/*.fastq >/dev/null || exit 9 # the stage-in happened
echo "aligned"
case ${FAKE_PIPELINE:-ok} in
ok) exit 0 ;;
fail) exit 3 ;;
killed) kill -KILL 0 ;; # the scheduler kills the whole job: no trap, no report
scancel) kill -TERM 0; sleep 5 ;; # scancel, the time limit: SIGTERM to every process of the job
esac
EOF
chmod +x "$SUBMIT/run-pipeline.sh"
cp "$SUBMIT/run-pipeline.sh" "$WORK/empty-submit/"
ME=$(id -u)
ME_NAME=$(stat -c %U "$WORK") # what the PBS epilogue compares the spool file's owner with

# script ARGS… : runs a recipe (or anything), stdout/stderr/exit code as `run` keeps them.
# (bash's own "Killed" notice for a job killed on purpose goes nowhere.)
script() {
    { "$@" >"$OUT" 2>"$ERR"; } 2>/dev/null
    RC=$?
}
# epilog ENV… -- ARGS… : runs a recipe as an epilogue does, in an emptied environment (only
# what the test needs to find its database and its sandboxed home) plus ENV.
epilog() {
    local -a vars=()
    while [ "$1" != "--" ]; do vars+=("$1"); shift; done
    shift
    script env -i HOME="$HOME" XDG_CONFIG_HOME="$XDG_CONFIG_HOME" XDG_STATE_HOME="$XDG_STATE_HOME" \
        PJM="$PJM" PJM_SPOOL="$PJM_SPOOL" PJM_DATABASE="$PJM_DATABASE" "${vars[@]}" bash "$@"
}
# expect_job WHAT JOB STATE EVENTS [KEY=JSON…]: the job's state, its history's event names
# (comma-separated), and fields of the last entry's data.
expect_job() {
    local what=$1 job=$2
    shift 2
    check
    "$PJM" --local --json status "$job" >"$WORK/job.json" 2>"$WORK/job.err" ||
        { fail "$what: status failed: $(cat "$WORK/job.err")"; return; }
    python3 - "$WORK/job.json" "$@" <<'PY' 2>"$WORK/job.err" || fail "$what: $(tail -1 "$WORK/job.err")"
import json, sys
doc = json.load(open(sys.argv[1]))
state, events = sys.argv[2], sys.argv[3]
got = ",".join(e["name"] for e in doc["history"])
assert doc["state"] == state and got == events, f"job is {doc['state']} after {got}, expected {state} after {events}"
data = doc["history"][-1]["data"]
for pair in sys.argv[4:]:
    key, value = pair.split("=", 1)
    assert key in data and data[key] == json.loads(value), f"last entry's {key} is {data.get(key, '(absent)')!r}, expected {value}"
PY
}
spool_of() { # spool_of ID JOB TOKEN: the file a job script leaves for the epilogue
    printf '%s\n%s\n' "$2" "$3" >"$PJM_SPOOL/$1"
}
expect_no_spool() { # expect_no_spool ID WHAT
    check
    [ ! -e "$PJM_SPOOL/$1" ] || fail "$2: the spool file $1 is still there"
    check
    [ -z "$(ls -A "$PJM_SPOOL")" ] || fail "$2: the spool folder holds $(ls -A "$PJM_SPOOL")"
}
# new_job NAME: a fresh job (JOB, TOKEN) of one pipeline, its data naming the case.
PIPELINE=$("$PJM" --local pipeline add --name recipes) || exit 1
new_job() {
    local ids
    ids=$("$PJM" --local --json create --pipeline "$PIPELINE" --archive-path "/archive/$1" \
        --data "{\"case\": \"$1\"}" | python3 -c 'import json, sys; d = json.load(sys.stdin); print(d["uuid"], d["token"])') ||
        { echo "creating the job of $1 failed" >&2; exit 1; }
    read -r JOB TOKEN <<<"$ids"
}
JS="$SNIP/slurm-jobscript.sh" EP="$SNIP/slurm-epilog.sh"
PJS="$SNIP/pbs-jobscript.sh" PEP="$SNIP/pbs-epilogue.sh" WRAP="$SNIP/wrapper.sh"
export PJM_LOCAL=1

# --- Slurm job script
new_job slurm-ok
script env SLURM_JOB_ID=1001 SLURM_SUBMIT_DIR="$SUBMIT" PJM_JOB_UUID="$JOB" PJM_TOKEN="$TOKEN" bash "$JS"
expect_rc 0 "slurm job script: the pipeline succeeds"
expect_out "aligned" "slurm job script: the pipeline's output passes through"
expect_job "slurm job script: success" "$JOB" FINISHED create,run,finish exit_code=0 signal=null
expect_no_spool 1001 "slurm job script: success"
OK_JOB=$JOB

new_job slurm-fail
FAKE_PIPELINE=fail script env SLURM_JOB_ID=1002 SLURM_SUBMIT_DIR="$SUBMIT" \
    PJM_JOB_UUID="$JOB" PJM_TOKEN="$TOKEN" bash "$JS"
expect_rc 3 "slurm job script: the pipeline's exit status is the job's"
expect_job "slurm job script: the pipeline fails" "$JOB" FAILED create,run,fail exit_code=3
expect_no_spool 1002 "slurm job script: failure"

new_job slurm-stage-in
script env SLURM_JOB_ID=1003 SLURM_SUBMIT_DIR="$WORK/empty-submit" \
    PJM_JOB_UUID="$JOB" PJM_TOKEN="$TOKEN" bash "$JS"
expect_rc 1 "slurm job script: the stage-in fails (set -e)"
expect_job "slurm job script: the trap reports a failed stage-in" "$JOB" FAILED create,fail \
    exit_code=1 step='"stage-in"' slurm_job_id='"1003"'
expect_no_spool 1003 "slurm job script: failed stage-in"

new_job slurm-no-token
script env -u PJM_TOKEN SLURM_JOB_ID=1004 SLURM_SUBMIT_DIR="$SUBMIT" PJM_JOB_UUID="$JOB" bash "$JS"
check
[ "$RC" -ne 0 ] || fail "slurm job script without PJM_TOKEN must stop"
expect_err "submit with PJM_TOKEN set" "slurm job script: says what is missing"
expect_job "slurm job script: nothing sent without a token" "$JOB" CREATED create

# --- scancel while the pipeline runs: pjm exec records the signal, the job script's traps stay
# quiet (their fail is refused: the job is FAILED already), the exit status is 128 + 15.
new_job slurm-scancel
FAKE_PIPELINE=scancel script setsid -w env SLURM_JOB_ID=1010 SLURM_SUBMIT_DIR="$SUBMIT" \
    PJM_JOB_UUID="$JOB" PJM_TOKEN="$TOKEN" bash "$JS"
expect_rc 143 "slurm job script: scancel during the pipeline"
expect_job "slurm job script: scancel is recorded once, by pjm exec" "$JOB" FAILED create,run,fail \
    signal=15
check
! grep -q "error" "$ERR" || fail "slurm job script: scancel printed an error: $(cat "$ERR")"
expect_no_spool 1010 "slurm job script: scancel"

# --- scancel during the stage-in (before pjm exec): the trap records the signal, no exit code.
new_job slurm-scancel-stage-in
mkdir -p "$WORK/fifo-submit/inputs"
mkfifo "$WORK/fifo-submit/inputs/s1.fastq" # cp waits on it until the signal comes
(cd "$WORK" && setsid env SLURM_JOB_ID=1011 SLURM_SUBMIT_DIR="$WORK/fifo-submit" \
    PJM_JOB_UUID="$JOB" PJM_TOKEN="$TOKEN" bash "$JS" >"$OUT" 2>"$ERR") &
SCRIPT=$!
for _ in $(seq 100); do pgrep -f "cp inputs/s1.fastq" >/dev/null && break; sleep 0.05; done
JOB_PGID=$(ps -o pgid= -p "$(pgrep -f "cp inputs/s1.fastq" | head -1)" | tr -d ' ')
[ -n "$JOB_PGID" ] && kill -TERM -- "-$JOB_PGID"
wait "$SCRIPT"
expect_job "slurm job script: scancel during the stage-in" "$JOB" FAILED create,fail \
    signal=15 exit_code=null step='"stage-in"'
check
! grep -q "error" "$ERR" || fail "slurm job script: scancel during the stage-in printed an error"

# --- Slurm job killed outright, then the Epilog
new_job slurm-killed
FAKE_PIPELINE=killed script setsid -w env SLURM_JOB_ID=1005 SLURM_SUBMIT_DIR="$SUBMIT" \
    PJM_JOB_UUID="$JOB" PJM_TOKEN="$TOKEN" bash "$JS"
expect_rc 137 "slurm job script: killed with SIGKILL"
expect_job "killed job: nobody reported its end" "$JOB" RUNNING create,run
check
[ "$(head -1 "$PJM_SPOOL/1005" 2>/dev/null)" = "$JOB" ] || fail "the killed job's spool file is missing"
epilog PJM_LOCAL=1 SLURM_JOB_ID=1005 SLURM_JOB_UID="$ME" SLURM_JOB_EXIT_CODE2=0:9 -- "$EP"
expect_rc 0 "slurm epilog: a killed job"
expect_job "slurm epilog reports the killed job" "$JOB" FAILED create,run,fail signal=9 \
    exit_code=0 slurm_job_id='"1005"' reported_by='"slurm epilog"'
expect_no_spool 1005 "slurm epilog: after reporting"

epilog PJM_LOCAL=1 SLURM_JOB_ID=1001 SLURM_JOB_UID="$ME" SLURM_JOB_EXIT_CODE2=0:0 -- "$EP"
expect_rc 0 "slurm epilog: a job that reported itself"
expect_job "slurm epilog leaves a reported job alone" "$OK_JOB" FINISHED create,run,finish

new_job slurm-wait-status
"$PJM" --local event run "$JOB" --token "$TOKEN" >/dev/null
spool_of 1006 "$JOB" "$TOKEN"
epilog PJM_LOCAL=1 SLURM_JOB_ID=1006 SLURM_JOB_UID="$ME" SLURM_JOB_EXIT_CODE=512 -- "$EP"
expect_rc 0 "slurm epilog: exit status from SLURM_JOB_EXIT_CODE"
expect_job "slurm epilog decodes a wait() status" "$JOB" FAILED create,run,fail exit_code=2 signal=0

new_job slurm-clean-exit
"$PJM" --local event run "$JOB" --token "$TOKEN" >/dev/null
spool_of 1007 "$JOB" "$TOKEN"
epilog PJM_LOCAL=1 SLURM_JOB_ID=1007 SLURM_JOB_UID="$ME" SLURM_JOB_EXIT_CODE2=0:0 -- "$EP"
expect_rc 0 "slurm epilog: exit 0:0"
expect_job "slurm epilog finishes a job that exited 0" "$JOB" FINISHED create,run,finish \
    exit_code=0 signal=0

new_job slurm-no-exit-code
"$PJM" --local event run "$JOB" --token "$TOKEN" >/dev/null
spool_of 1008 "$JOB" "$TOKEN"
epilog PJM_LOCAL=1 SLURM_JOB_ID=1008 SLURM_JOB_UID="$ME" -- "$EP"
expect_rc 0 "slurm epilog: no exit code from Slurm"
expect_job "slurm epilog without an exit code reports a failure" "$JOB" FAILED create,run,fail \
    exit_code=null signal=null

new_job slurm-foreign
spool_of 1009 "$JOB" "$TOKEN"
epilog PJM_LOCAL=1 SLURM_JOB_ID=1009 SLURM_JOB_UID=$((ME + 1)) SLURM_JOB_EXIT_CODE2=1:0 -- "$EP"
expect_rc 0 "slurm epilog: a spool file of another user"
expect_job "slurm epilog ignores a spool file the job's user does not own" "$JOB" CREATED create
expect_no_spool 1009 "slurm epilog: foreign spool file"

new_job slurm-refused
spool_of 1010 "$JOB" ffffffffffffffff
epilog PJM_LOCAL=1 SLURM_JOB_ID=1010 SLURM_JOB_UID="$ME" SLURM_JOB_EXIT_CODE2=1:0 -- "$EP"
expect_rc 0 "slurm epilog: pjm refuses the event (wrong token), the epilog still exits 0"
expect_job "slurm epilog: a refused event changes nothing" "$JOB" CREATED create

epilog PJM_LOCAL=1 -- "$EP"
expect_rc 0 "slurm epilog: no SLURM_JOB_ID"

# --- PBS/Torque
new_job pbs-ok
script env PBS_JOBID=2001.pbs PBS_O_WORKDIR="$SUBMIT" PJM_JOB_UUID="$JOB" PJM_TOKEN="$TOKEN" bash "$PJS"
expect_rc 0 "pbs job script: the pipeline succeeds"
expect_job "pbs job script: success" "$JOB" FINISHED create,run,finish exit_code=0
expect_no_spool 2001.pbs "pbs job script: success"
PBS_OK_JOB=$JOB

new_job pbs-fail
FAKE_PIPELINE=fail script env PBS_JOBID=2002.pbs PBS_O_WORKDIR="$SUBMIT" \
    PJM_JOB_UUID="$JOB" PJM_TOKEN="$TOKEN" bash "$PJS"
expect_rc 3 "pbs job script: the pipeline's exit status is the job's"
expect_job "pbs job script: failure" "$JOB" FAILED create,run,fail exit_code=3

new_job pbs-killed
FAKE_PIPELINE=killed script setsid -w env PBS_JOBID=2003.pbs PBS_O_WORKDIR="$SUBMIT" \
    PJM_JOB_UUID="$JOB" PJM_TOKEN="$TOKEN" bash "$PJS"
expect_rc 137 "pbs job script: killed with SIGKILL"
expect_job "pbs: the killed job is left RUNNING" "$JOB" RUNNING create,run
# epilogue JOBID USER GROUP NAME SESSION LIMITS USED QUEUE ACCOUNT EXIT_STATUS
epilog PJM_LOCAL=1 -- "$PEP" 2003.pbs "$ME_NAME" grp rnaseq 4242 walltime=04:00:00 \
    walltime=00:00:02 batch acct 265
expect_rc 0 "pbs epilogue: a killed job"
expect_job "pbs epilogue reports 256+9 as SIGKILL" "$JOB" FAILED create,run,fail signal=9 \
    exit_code=null pbs_exit_status=265 pbs_job_id='"2003.pbs"' reported_by='"pbs epilogue"'
expect_no_spool 2003.pbs "pbs epilogue: after reporting"

epilog PJM_LOCAL=1 -- "$PEP" 2001.pbs "$ME_NAME" grp rnaseq 4242 "" "" batch acct 0
expect_rc 0 "pbs epilogue: a job that reported itself"
expect_job "pbs epilogue leaves a reported job alone" "$PBS_OK_JOB" FINISHED create,run,finish

new_job pbs-clean-exit
"$PJM" --local event run "$JOB" --token "$TOKEN" >/dev/null
spool_of 2004.pbs "$JOB" "$TOKEN"
epilog PJM_LOCAL=1 -- "$PEP" 2004.pbs "$ME_NAME" grp rnaseq 4242 "" "" batch acct 0
expect_rc 0 "pbs epilogue: exit status 0"
expect_job "pbs epilogue finishes a job that exited 0" "$JOB" FINISHED create,run,finish exit_code=0

new_job pbs-not-run
spool_of 2005.pbs "$JOB" "$TOKEN"
epilog PJM_LOCAL=1 -- "$PEP" 2005.pbs "$ME_NAME" grp rnaseq 4242 "" "" batch acct -11
expect_rc 0 "pbs epilogue: a negative exit status"
expect_job "pbs epilogue: PBS could not run the job" "$JOB" FAILED create,fail exit_code=null \
    pbs_exit_status=-11

new_job pbs-foreign
spool_of 2006.pbs "$JOB" "$TOKEN"
epilog PJM_LOCAL=1 -- "$PEP" 2006.pbs "not-$ME_NAME" grp rnaseq 4242 "" "" batch acct 1
expect_rc 0 "pbs epilogue: a spool file of another user"
expect_err "not owned by not-$ME_NAME" "pbs epilogue says why it ignored the file"
expect_job "pbs epilogue ignores it" "$JOB" CREATED create

# --- the plain wrapper, run by dash where it is installed (POSIX sh)
new_job wrapper-ok
script env PJM_JOB_UUID="$JOB" PJM_TOKEN="$TOKEN" sh "$WRAP" sh -c 'echo wrapped; exit 0'
expect_rc 0 "wrapper: the command succeeds"
expect_out "wrapped" "wrapper: the command's output passes through"
expect_job "wrapper: success" "$JOB" FINISHED create,run,finish exit_code=0 host="\"$(uname -n)\""

new_job wrapper-fail
script env PJM_JOB_UUID="$JOB" PJM_TOKEN="$TOKEN" sh "$WRAP" sh -c 'exit 4'
expect_rc 4 "wrapper: the command's exit status is the wrapper's"
expect_job "wrapper: failure" "$JOB" FAILED create,run,fail exit_code=4

new_job wrapper-refused
script env PJM_JOB_UUID="$JOB" PJM_TOKEN=ffffffffffffffff sh "$WRAP" true
expect_rc 0 "wrapper: refused events do not change the command's status"
expect_err "'run' was not recorded" "wrapper: says the event was not recorded"
expect_job "wrapper: nothing recorded with a wrong token" "$JOB" CREATED create

# --- the manager is down: exit 0, the events queued (exit 75 inside), flushed once it is back
new_job down-epilog
"$PJM" --local event run "$JOB" --token "$TOKEN" >/dev/null
spool_of 1011 "$JOB" "$TOKEN"
DOWN_EPILOG_JOB=$JOB
new_job down-wrapper
DOWN_WRAPPER_JOB=$JOB DOWN_WRAPPER_TOKEN=$TOKEN
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
URL="http://127.0.0.1:$PORT/actors/v2/pjm/messages"
unset PJM_LOCAL
ROOT_OUTBOX=$WORK/root-outbox
epilog PJM_URL="$URL" PJM_RETRIES=0 PJM_OUTBOX="$ROOT_OUTBOX" SLURM_JOB_ID=1011 \
    SLURM_JOB_UID="$ME" SLURM_JOB_EXIT_CODE2=0:15 -- "$EP"
expect_rc 0 "slurm epilog: the manager is down"
check
[ "$(ls "$ROOT_OUTBOX" 2>/dev/null | wc -l)" -eq 1 ] || fail "slurm epilog: the event is not queued in $ROOT_OUTBOX"
script env PJM_URL="$URL" PJM_RETRIES=0 PJM_JOB_UUID="$DOWN_WRAPPER_JOB" \
    PJM_TOKEN="$DOWN_WRAPPER_TOKEN" sh "$WRAP" true
expect_rc 0 "wrapper: the manager is down, the command's status stays"
expect_err "'run' queued in the outbox" "wrapper: says the event is queued"
check
[ "$(ls "$XDG_STATE_HOME/pjm/outbox" 2>/dev/null | wc -l)" -eq 2 ] ||
    fail "wrapper: run and finish are not both queued in the user's outbox"
expect_job "the manager was down: nothing recorded yet" "$DOWN_EPILOG_JOB" RUNNING create,run

BEARER="bearer-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
printf '%s\n' "$BEARER" >"$WORK/bearers"
chmod 600 "$WORK/bearers"
"$PJM" serve --listen "127.0.0.1:$PORT" --actor-id pjm --bearer-file "$WORK/bearers" \
    2>"$WORK/serve.log" &
SERVE=$!
trap 'kill "$SERVE" 2>/dev/null; wait "$SERVE" 2>/dev/null' EXIT
for _ in $(seq 100); do
    curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
    sleep 0.05
done
PJM_BEARER_TOKEN=$BEARER PJM_URL=$URL run --outbox "$ROOT_OUTBOX" outbox flush
expect_rc 0 "cron's flush of the epilogues' outbox"
expect_job "the epilogue's queued fail arrived" "$DOWN_EPILOG_JOB" FAILED create,run,fail signal=15 \
    reported_by='"slurm epilog"'
PJM_BEARER_TOKEN=$BEARER PJM_URL=$URL run outbox flush
expect_rc 0 "the user's flush"
expect_job "the wrapper's queued events arrived in order" "$DOWN_WRAPPER_JOB" FINISHED \
    create,run,finish exit_code=0
finish
