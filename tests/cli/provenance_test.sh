#!/usr/bin/env bash
# Jobs' provenance (docs/provenance.md), on every backend, from the jobs of
# tests/fixtures/provenance/jobs.ndjson (imported, so that every date is fixed):
# - `pjm export --format ro-crate|prov-json` of a finished, a failed and a reset-and-rerun job
#   equals the golden files (PJM_TEST_UPDATE_GOLDEN=1 rewrites them, to be reviewed);
# - each crate parses as JSON-LD with rdflib against the bundled RO-Crate 1.1 context, offline,
#   and passes every MUST of RO-Crate 1.1 and of the Process Run Crate 0.5 profile
#   (provenance_check.py); a crate without its profile fails that check; each PROV-JSON reads
#   with the prov package, job activities with their plans and outputs;
# - a crate of three jobs as a folder and as a zip hold the same metadata file;
# - refusals (no job, unknown job, a job for the NDJSON export, an existing crate) exit with
#   their codes and write nothing;
# - pjm serve answers GET …/jobs/<uuid>/ro-crate and …/prov with the same documents, with the
#   jobs route's credentials.
source "$PJM_TEST_LIB"
F=$(cd "$(dirname "$PJM_TEST_LIB")/../fixtures/provenance" && pwd)
CHECK=$(dirname "$PJM_TEST_LIB")/provenance_check.py
PY=/usr/bin/python3 # Debian's, where python3-rdflib and python3-prov are
FINISHED=107e1b4e-7870-5b9d-a8e2-fee208263fef
FAILED=107d1240-1948-52ef-8ceb-d67bf1de3312
RERUN=107c3e2f-614a-5149-b3f2-5fc8b1b8cb42

[ "$TEST_BACKEND" = postgres ] && "$PJM" --local db migrate >/dev/null
run import "$F/jobs.ndjson"
expect_rc 0 "import the fixture jobs"

# --- golden files, and the checks of each document
for pair in "finished $FINISHED" "failed $FAILED" "reset-rerun $RERUN"; do
    set -- $pair
    name=$1 job=$2
    run --local export --format ro-crate "$job" -o "$WORK/$name"
    expect_rc 0 "$name: ro-crate export"
    expect_out "$WORK/$name/ro-crate-metadata.json" "$name: says where the crate is"
    run --local export --format prov-json "${job:0:8}" -o "$WORK/$name.prov.json"
    expect_rc 0 "$name: prov-json export (by a UUID prefix)"
    if [ "${PJM_TEST_UPDATE_GOLDEN:-}" = 1 ]; then
        cp "$WORK/$name/ro-crate-metadata.json" "$F/golden/$name.ro-crate.json"
        cp "$WORK/$name.prov.json" "$F/golden/$name.prov.json"
    fi
    check
    cmp -s "$WORK/$name/ro-crate-metadata.json" "$F/golden/$name.ro-crate.json" ||
        fail "$name: the crate differs from golden/$name.ro-crate.json: $(diff "$F/golden/$name.ro-crate.json" "$WORK/$name/ro-crate-metadata.json" | head -20)"
    check
    cmp -s "$WORK/$name.prov.json" "$F/golden/$name.prov.json" ||
        fail "$name: the PROV-JSON differs from golden/$name.prov.json: $(diff "$F/golden/$name.prov.json" "$WORK/$name.prov.json" | head -20)"
    check
    "$PY" "$CHECK" ro-crate "$F/ro-crate-1.1-context.jsonld" "$WORK/$name/ro-crate-metadata.json" \
        >"$WORK/check.out" 2>&1 || fail "$name: the crate fails the profile: $(cat "$WORK/check.out")"
    check
    "$PY" "$CHECK" prov "$WORK/$name.prov.json" "$job" >"$WORK/check.out" 2>&1 ||
        fail "$name: the PROV-JSON fails its check: $(cat "$WORK/check.out")"
done

# What the goldens say, spelled out: the states of each action.
field() { "$PY" -c "
import json, sys
g = {e['@id']: e for e in json.load(open(sys.argv[1]))['@graph']}
a = g['urn:uuid:' + sys.argv[2]]
print(a.get(sys.argv[3], '') if sys.argv[3] != 'actionStatus' else a['actionStatus']['@id'].rsplit('/', 1)[1])
" "$@"; }
expect_eq "$(field "$WORK/finished/ro-crate-metadata.json" $FINISHED actionStatus)" CompletedActionStatus "finished: completed"
expect_eq "$(field "$WORK/failed/ro-crate-metadata.json" $FAILED actionStatus)" FailedActionStatus "failed: failed"
expect_eq "$(field "$WORK/failed/ro-crate-metadata.json" $FAILED error)" "out of memory" "failed: the error the fail event gave"
expect_eq "$(field "$WORK/failed/ro-crate-metadata.json" $FAILED result)" "" "failed: no result claimed"
expect_eq "$(field "$WORK/reset-rerun/ro-crate-metadata.json" $RERUN actionStatus)" CompletedActionStatus "rerun: the latest attempt completed"
expect_eq "$(field "$WORK/reset-rerun/ro-crate-metadata.json" $RERUN startTime)" \
    "$("$PJM" --local --json status $RERUN | "$PY" -c 'import json,sys; h=json.load(sys.stdin)["history"]; print([e["date"] for e in h if e["name"]=="run"][-1])')" \
    "rerun: starts at the run after the reset"

# The check can fail: the same crate without its profile does.
"$PY" -c "
import json, sys
d = json.load(open(sys.argv[1]))
for e in d['@graph']:
    if e['@id'] == './': del e['conformsTo']
json.dump(d, open(sys.argv[2], 'w'))
" "$WORK/finished/ro-crate-metadata.json" "$WORK/no-profile.json"
check
"$PY" "$CHECK" ro-crate "$F/ro-crate-1.1-context.jsonld" "$WORK/no-profile.json" >"$WORK/check.out" 2>&1 &&
    fail "a crate without conformsTo passed the profile check"
grep -q "conformsTo the Process Run Crate" "$WORK/check.out" || fail "the check did not name the missing conformsTo"

# --- several jobs: a folder and a zip of the same crate
run --local export --format ro-crate $FINISHED $FAILED $RERUN $FINISHED -o "$WORK/three"
expect_rc 0 "a crate of three jobs"
run --local --json export --format ro-crate $FINISHED $FAILED $RERUN -o "$WORK/three.zip"
expect_rc 0 "the same crate as a zip"
expect_eq "$(json_field jobs | tr -d ' \n')" "[\"$FINISHED\",\"$FAILED\",\"$RERUN\"]" "the summary names the jobs once each"
check
"$PY" - "$WORK/three.zip" "$WORK/three/ro-crate-metadata.json" <<'PY' || fail "the zip does not hold the folder's metadata file"
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
assert z.testzip() is None, "a corrupt member"
assert z.namelist() == ["ro-crate-metadata.json"], z.namelist()
assert z.read("ro-crate-metadata.json") == open(sys.argv[2], "rb").read()
PY
check
"$PY" "$CHECK" ro-crate "$F/ro-crate-1.1-context.jsonld" "$WORK/three/ro-crate-metadata.json" \
    >"$WORK/check.out" 2>&1 || fail "three jobs: the crate fails the profile: $(cat "$WORK/check.out")"
grep -q "3 actions" "$WORK/check.out" || fail "three jobs: not three actions: $(cat "$WORK/check.out")"

# --- refusals change nothing
SUM=$(db_sum)
run --local export --format ro-crate
expect_rc 2 "no job named"
expect_err "name one or more" "says a job is needed"
run --local export --format ro-crate 107e1b4e-7870-5b9d-a8e2-000000000000
expect_rc 4 "an unknown job"
run --local export $FINISHED
expect_rc 2 "a job for the NDJSON export"
expect_err "--format ro-crate" "points at the provenance formats"
run --local export --format ro-crate $FINISHED -o "$WORK/finished"
expect_rc 2 "an existing crate without --force"
expect_err "--force" "says how to replace it"
run --local export --format ro-crate $FINISHED -o "$WORK/finished.prov.json"
expect_rc 2 "a crate onto a file"
run --local export --format rdf $FINISHED
expect_rc 2 "an unknown format"
run --local export --format ro-crate $FINISHED -o "$WORK/finished" --force
expect_rc 0 "--force replaces the crate"
expect_eq "$(db_sum)" "$SUM" "exports and refusals leave the database as it was"

# --- pjm serve: the same documents, with the jobs route's credentials
NONCE=prov-n0nce-$RANDOM$RANDOM
ACTOR=pjmprov
printf '%s\n' "$NONCE" >"$WORK/nonces"
start_server --nonce-file "$WORK/nonces"
get() { # get PATH [CURL ARGS…]: status in $CODE, body in $WORK/body, headers in $WORK/headers
    local path=$1
    shift
    CODE=$(curl -s -o "$WORK/body" -D "$WORK/headers" -w '%{http_code}' "$@" "$URL/$path")
}
get "jobs/$FINISHED/ro-crate?x-nonce=$NONCE"
expect_eq "$CODE" 200 "serve: the crate"
check
cmp -s "$WORK/body" "$F/golden/finished.ro-crate.json" || fail "serve: the crate differs from the CLI's"
check
grep -qi '^content-type: application/ld+json' "$WORK/headers" || fail "serve: the crate is not application/ld+json"
get "jobs/$FAILED/prov/?x-nonce=$NONCE"
expect_eq "$CODE" 200 "serve: PROV-JSON (nonce in the URL, trailing slash)"
check
cmp -s "$WORK/body" "$F/golden/failed.prov.json" || fail "serve: the PROV-JSON differs from the CLI's"
get "jobs/$RERUN/ro-crate"
expect_eq "$CODE" 401 "serve: no credentials"
get "jobs/$RERUN/prov?x-nonce=wrong$NONCE"
expect_eq "$CODE" 401 "serve: a wrong nonce"
get "jobs/107e1b4e-7870-5b9d-a8e2-000000000000/ro-crate?x-nonce=$NONCE"
expect_eq "$CODE" 404 "serve: an unknown job"
get "jobs/not-a-uuid/prov?x-nonce=$NONCE"
expect_eq "$CODE" 400 "serve: not a job UUID"
get "jobs/$RERUN/ro-crate?x-nonce=$NONCE" -X POST
expect_eq "$CODE" 405 "serve: POST is not a method of the route"
# A job of more than 20,000 events: refused over HTTP (one reply stays bounded), written by
# pjm export where the database is.
python3 - "$WORK/long.ndjson" <<'PY'
import base64, json, os, sys, uuid
pipeline = "10659e76-6df0-5fc6-8282-8f3e38176d1a"
names = ["create", "run"] + ["update"] * 19999
h = [{"data": {"i": i} if n == "update" else {}, "date": "2026-06-02T00:00:00.000Z", "name": n,
      "uuid": "108" + uuid.uuid4().hex[3:8] + "-" + str(uuid.uuid4())[9:]} for i, n in enumerate(names)]
job = {"type": "job", "uuid": "1070aaaa-0000-5000-8000-00000000beef", "pipeline_uuid": pipeline,
       "archive_path": "/a", "archive_patterns": [], "product_patterns": [], "data": {},
       "state": "RUNNING", "last_event": "update", "created": h[0]["date"], "updated": h[-1]["date"],
       "salt": base64.b64encode(os.urandom(16)).decode(), "visible": True,
       "event_count": len(h), "history": h}
with open(sys.argv[1], "w") as f:
    f.write(json.dumps({"format": "pjm-export", "version": 1, "exported": h[0]["date"], "database": "test"}) + "\n")
    f.write(json.dumps(job) + "\n")
    f.write(json.dumps({"type": "end", "settings": 0, "pipelines": 0, "jobs": 1, "events": len(h)}) + "\n")
PY
run import "$WORK/long.ndjson"
expect_rc 0 "import a job of 20,001 events"
get "jobs/1070aaaa-0000-5000-8000-00000000beef/ro-crate?x-nonce=$NONCE"
expect_eq "$CODE" 400 "serve: a crate of more than 20,000 events is refused"
check
grep -q "pjm export --format" "$WORK/body" || fail "the refusal says where to write it: $(cat "$WORK/body")"
stop_server
run --local export --format prov-json 1070aaaa-0000-5000-8000-00000000beef -o "$WORK/long.prov.json"
expect_rc 0 "pjm export writes it"
expect_eq "$("$PY" -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["activity"]))' "$WORK/long.prov.json")" 20002 \
    "every event an activity, and the job"
finish
