#!/usr/bin/env bash
# pjm serve fed by a real Slurm (docs/integrations.md#slurm): a single-node cluster of Debian's
# slurmctld and slurmd (with their own munged, config and state in this test's folder, on free
# loopback ports) whose jobcomp/elasticsearch plugin posts to pjm serve's jobcomp route, and
# batch jobs that run their work under pjm exec, as an operator's would:
# - a job whose pjm exec finished it: its run entry names the Slurm job and cluster; Slurm's
#   COMPLETED record that follows adds Slurm's facts as a second finish (the lifecycle allows
#   finish in FINISHED);
# - a job whose pjm exec was SIGKILLed after run (a node dying before its epilogue could
#   speak): Slurm's FAILED record fails the PipelineJob, with Slurm's facts in the entry;
# - a Slurm job no PipelineJob claims: answered, nothing kept;
# - the record of a job that ended while pjm serve was down is kept by slurmctld, across a
#   restart of slurmctld, and delivered once pjm serve is back.
# Slurm's plugin sends its queue every 30 seconds, so this test waits for it (about 90 s).
# pjm-test: one backend
source "$PJM_TEST_LIB"
for tool in slurmctld slurmd munged sbatch squeue curl; do
    command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] ||
        { echo "slurm_cluster_test: $tool is not installed (scripts/install-deps installs Slurm)" >&2; exit 1; }
done
export PATH="$PATH:/usr/sbin"
[ -e /usr/lib/x86_64-linux-gnu/slurm-wlm/jobcomp_elasticsearch.so ] ||
    ls /usr/lib/*/slurm-wlm/jobcomp_elasticsearch.so >/dev/null 2>&1 ||
    { echo "slurm_cluster_test: Slurm's jobcomp/elasticsearch plugin is not installed" >&2; exit 1; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# wait_for SECONDS WHAT COMMAND… : until COMMAND succeeds, or fails the test.
wait_for() {
    local limit=$1 what=$2 i
    shift 2
    for ((i = 0; i < limit * 4; i++)); do
        "$@" && return 0
        sleep 0.25
    done
    fail "$what: not within $limit s"
    return 1
}

ACTOR=pjmslurm
NONCE=slurm-n0nce-$RANDOM$RANDOM$RANDOM
BEARER=slurm-bearer-$RANDOM$RANDOM$RANDOM$RANDOM
printf '%s\n' "$NONCE" >"$WORK/nonces"
printf '%s\n' "$BEARER" >"$WORK/bearers"
PORT=$(free_port)
LOG="$WORK/serve.log"
SERVER_PID=""
serve_up() {
    "$PJM" serve --listen "127.0.0.1:$PORT" --actor-id "$ACTOR" --nonce-file "$WORK/nonces" \
        --bearer-file "$WORK/bearers" --jobcomp-from 127.0.0.1 2>>"$LOG" &
    SERVER_PID=$!
    wait_for 10 "pjm serve answers" curl -sf -o /dev/null "http://127.0.0.1:$PORT/healthz"
}
serve_down() { kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null; SERVER_PID=""; }
URL="http://127.0.0.1:$PORT/actors/v2/$ACTOR"

# --- a single-node cluster in $WORK/slurm
S="$WORK/slurm"
mkdir -p "$S/state" "$S/spool" "$S/munge"
head -c 1024 /dev/urandom >"$S/munge/munge.key"
chmod 700 "$S/munge"
chmod 400 "$S/munge/munge.key"
munged -f --socket="$S/munge/socket" --key-file="$S/munge/munge.key" --log-file="$S/munge/log" \
    --pid-file="$S/munge/pid" --seed-file="$S/munge/seed" 2>"$S/munge/stderr" ||
    { cat "$S/munge/stderr" >&2; exit 1; }
CTLD_PORT=$(free_port)
SLURMD_PORT=$(free_port)
export SLURM_CONF="$S/slurm.conf"
cat >"$SLURM_CONF" <<CONF
ClusterName=pjmtest
SlurmctldHost=localhost
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
AuthType=auth/munge
AuthInfo=socket=$S/munge/socket
CredType=cred/munge
StateSaveLocation=$S/state
SlurmdSpoolDir=$S/spool
SlurmctldPidFile=$S/slurmctld.pid
SlurmdPidFile=$S/slurmd.pid
SlurmctldLogFile=$S/slurmctld.log
SlurmdLogFile=$S/slurmd.log
SlurmUser=root
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SwitchType=switch/none
MpiDefault=none
ReturnToService=2
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
JobCompType=jobcomp/elasticsearch
JobCompLoc=$URL/jobcomp/slurm/_doc?x-nonce=$NONCE
DebugFlags=Elasticsearch
SlurmctldDebug=debug
NodeName=localhost CPUs=2 State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF
CTLD_PID="" SLURMD_PID=""
ctld_up() {
    slurmctld -D -f "$SLURM_CONF" >>"$S/slurmctld.stderr" 2>&1 &
    CTLD_PID=$!
}
ctld_down() { kill "$CTLD_PID" 2>/dev/null && wait "$CTLD_PID" 2>/dev/null; CTLD_PID=""; }
teardown() {
    serve_down
    [ -n "$SLURMD_PID" ] && kill "$SLURMD_PID" 2>/dev/null && wait "$SLURMD_PID" 2>/dev/null
    ctld_down
    [ -s "$S/munge/pid" ] && kill "$(cat "$S/munge/pid")" 2>/dev/null
    return 0
}
trap teardown EXIT
serve_up
ctld_up
slurmd -D -N localhost -f "$SLURM_CONF" >>"$S/slurmd.stderr" 2>&1 &
SLURMD_PID=$!
node_idle() { sinfo -h -o %t 2>/dev/null | grep -qx idle; }
wait_for 30 "the Slurm node comes up" node_idle || { tail -20 "$S/slurmctld.log" "$S/slurmd.log" >&2; exit 1; }

setup_job slurm '{"n": 0}'
new_job() { # new_job N : sets J and T
    run --local --json create --pipeline "$PIPELINE" --archive-path /archive/slurm --data "{\"n\": $1}"
    [ "$RC" -eq 0 ] || { cat "$ERR" >&2; exit 1; }
    J=$(json_field uuid)
    T=$(json_field token)
}
status_json() { "$PJM" --local --json status "$1" >"$OUT"; }
history_of() {
    "$PJM" --local --json status "$1" |
        python3 -c 'import json,sys; print(" ".join(e["name"] for e in json.load(sys.stdin)["history"]))'
}
submit() { # submit SCRIPT : prints the Slurm job id
    sbatch --parsable -o "$WORK/slurm-%j.out" "$1" | cut -d';' -f1
}
records() { grep -c "SlurmJobcomp" "$LOG"; }
slurm_idle() { [ -z "$(squeue -h -o %i)" ]; }

# --- jobs that report through pjm exec (client mode: to pjm serve, as a compute node would)
export PJM_URL="$URL/messages" PJM_BEARER_TOKEN="$BEARER"
new_job 1
JA=$J TA=$T
cat >"$WORK/a.sh" <<JOB
#!/bin/bash
exec "$PJM" exec "$JA" --token "$TA" -- sh -c 'echo aligned'
JOB
new_job 2
JB=$J TB=$T
cat >"$WORK/b.sh" <<JOB
#!/bin/bash
# pjm exec sends run, starts the work, and is killed (as a node dies) before it can report.
"$PJM" exec "$JB" --token "$TB" -- sh -c 'kill -KILL \$PPID; sleep 1'
JOB
cat >"$WORK/c.sh" <<'JOB'
#!/bin/bash
true
JOB
SA=$(submit "$WORK/a.sh")
SB=$(submit "$WORK/b.sh")
SC=$(submit "$WORK/c.sh")
wait_for 60 "the Slurm jobs end" slurm_idle
three_records() { [ "$(records)" -ge 3 ]; }
wait_for 75 "Slurm's three job completion records arrive" three_records ||
    tail -20 "$S/slurmctld.log" >&2

status_json "$JA"
expect_eq "$(json_field history.1.data.scheduler.job_id)" "$SA" "the run entry names the Slurm job"
expect_eq "$(json_field history.1.data.scheduler.cluster)" pjmtest "the run entry names the cluster"
# The lifecycle allows finish in FINISHED: Slurm's COMPLETED adds its facts as a second finish.
expect_eq "$(history_of "$JA")" "create run finish finish" "Slurm's COMPLETED confirms the finish"
expect_eq "$(json_field history.3.data.slurm.state)" COMPLETED "the confirmation is Slurm's"
expect_eq "$(json_field history.3.data.slurm.jobid)" "$SA" "the confirmation names the Slurm job"
expect_eq "$(json_field state)" FINISHED "the job stays FINISHED"

status_json "$JB"
expect_eq "$(json_field state)" FAILED "a job whose pjm exec was killed: FAILED by Slurm's record"
expect_eq "$(history_of "$JB")" "create run fail" "run by pjm exec, fail by Slurm"
expect_eq "$(json_field history.2.data.slurm.jobid)" "$SB" "the entry names the Slurm job"
expect_eq "$(json_field history.2.data.slurm.state)" FAILED "the entry says Slurm's state"
check
grep -q "SlurmJobcomp unclaimed" "$LOG" || fail "the record of Slurm job $SC was not answered unclaimed"
check

# --- a record sent while pjm serve is down survives a restart of slurmctld
serve_down
new_job 3
JE=$J TE=$T
cat >"$WORK/e.sh" <<JOB
#!/bin/bash
"$PJM" --local exec "$JE" --token "$TE" -- sh -c 'kill -KILL \$PPID; sleep 1'
JOB
SE=$(submit "$WORK/e.sh")
wait_for 60 "the Slurm job ends" slurm_idle
attempted() { grep -q "Could not connect to" "$S/slurmctld.log"; }
wait_for 45 "slurmctld tries to send the record" attempted
expect_eq "$(history_of "$JE")" "create run" "nothing arrived while pjm serve was down"
ctld_down
ctld_up
serve_up
four_records() { [ "$(records)" -ge 4 ]; }
wait_for 75 "the kept record arrives after the restart" four_records ||
    tail -20 "$S/slurmctld.log" >&2
expect_eq "$(history_of "$JE")" "create run fail" "the kept record failed the job"
status_json "$JE"
expect_eq "$(json_field history.2.data.slurm.jobid)" "$SE" "the kept record is Slurm job $SE's"

finish
