#!/usr/bin/env bash
# pjm import --from datacatalog (docs/migration.md): the original manager's jobs and pipelines,
# as mongoexport writes them (tests/fixtures/datacatalog: relaxed and canonical Extended JSON,
# one document a line and --jsonArray), on every backend:
# - --dry-run reports what would be imported and kept aside, and writes nothing; without
#   --aside (fields pjm has no column for) nothing is written either;
# - the import keeps UUIDs, states, histories (names, dates, event UUIDs, data), hidden jobs,
#   and the salts: an event with the original job token (sha256(salt:uuid)) is accepted, a wrong
#   token refused, and the original admin token (same secret, key, window) works;
# - the aside file holds each document's other fields with its _id; a second import changes
#   nothing;
# - documents the original schema or pjm cannot take are listed with _id and reason, and
#   nothing is written, unless --skip-invalid.
source "$PJM_TEST_LIB"
F=$(cd "$(dirname "$PJM_TEST_LIB")/../fixtures/datacatalog" && pwd)
INPUTS=("$F/jobs.ndjson" "$F/jobs-canonical.ndjson" "$F/pipelines.json")
dump_sum() { "$PJM" --local export 2>/dev/null | tail -n +2 | sha256sum | cut -d" " -f1; }
EMPTY=$(dump_sum)

# --- dry run, and a run without --aside: nothing written
run --local --json import --from datacatalog --dry-run "${INPUTS[@]}"
expect_rc 0 "dry run"
expect_eq "$(json_field written)" false "dry run: not written"
expect_eq "$(json_field new.jobs)" 18 "dry run: 18 jobs"
expect_eq "$(json_field new.pipelines)" 2 "dry run: 2 pipelines"
expect_eq "$(json_field new.hidden_jobs)" 1 "dry run: 1 hidden job"
expect_eq "$(json_field aside.'job child_of')" 17 "dry run: child_of kept aside"
expect_eq "$(dump_sum)" "$EMPTY" "dry run: the database is untouched"
run --local import --from datacatalog "${INPUTS[@]}"
expect_rc 2 "fields to keep aside and no --aside"
expect_err "--aside FILE" "the refusal says how to keep them"
expect_eq "$(dump_sum)" "$EMPTY" "no --aside: the database is untouched"

# --- the import
run --local --json import --from datacatalog --aside "$WORK/aside.ndjson" "${INPUTS[@]}"
expect_rc 0 "import"
expect_eq "$(json_field written)" true "import: written"
expect_eq "$(json_field new.events)" 122 "import: every history entry"
python3 - "$PJM" "${INPUTS[@]}" <<'PY' || fail "the imported jobs differ from the original documents"
import json, subprocess, sys
pjm, files = sys.argv[1], sys.argv[2:4]
def date(v):
    d = v["$date"]
    if isinstance(d, dict):
        import datetime
        ms = int(d["$numberLong"])
        t = datetime.datetime.fromtimestamp(ms / 1000, datetime.timezone.utc)
        return t.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (ms % 1000)
    return d
def plain(v):
    if isinstance(v, dict):
        if set(v) == {"$numberInt"}: return int(v["$numberInt"])
        return {k: plain(x) for k, x in v.items()}
    if isinstance(v, list): return [plain(x) for x in v]
    return v
n = 0
for f in files:
    for line in open(f):
        d = json.loads(line)
        j = json.loads(subprocess.check_output([pjm, "--local", "--json", "status", d["uuid"], "--history", "1000"]))
        assert j["state"] == d["state"], (d["uuid"], j["state"])
        assert j["pipeline_uuid"] == d["pipeline_uuid"] and j["data"] == d["data"]
        assert j["archive_path"] == d["archive_path"]
        assert j["visible"] == d.get("_visible", True), d["uuid"]
        assert j.get("session") == d.get("session") and j.get("archive_system") == d.get("archive_system")
        h = j["history"]
        assert len(h) == len(d["history"]) == j["event_count"], d["uuid"]
        for a, b in zip(h, d["history"]):
            assert a["uuid"] == b["uuid"] and a["name"] == b["name"].lower(), (a, b)
            assert a["date"] == date(b["date"]), (a["date"], b["date"])
            assert a["data"] == plain(b["data"]), (a["data"], b["data"])
        n += 1
assert n == 18, n
PY
check
python3 - "$WORK/aside.ndjson" "$F/jobs.ndjson" <<'PY' || fail "the aside file does not hold the other fields"
import json, sys
aside = {a["uuid"]: a for a in map(json.loads, open(sys.argv[1]))}
for line in open(sys.argv[2]):
    d = json.loads(line)
    a = aside[d["uuid"]]
    assert a["_id"] == d["_id"]["$oid"], a
    if "child_of" in d:
        assert a["fields"]["child_of"] == d["child_of"] and a["fields"]["_admin"] == d["_admin"], a
PY
check
# The hidden job is listed only with --all.
HIDDEN=$(python3 -c 'import json,sys; print([d["uuid"] for d in map(json.loads, open(sys.argv[1])) if d.get("_visible") is False][0])' "$F/jobs.ndjson")
run --local --json list --limit 100
expect_absent "$HIDDEN" "a hidden job is not listed"
run --local --json list --all --limit 100
expect_out "$HIDDEN" "a hidden job is listed with --all"

# --- the original tokens
read -r RUNNING SALT < <(python3 -c '
import json, sys
for d in map(json.loads, open(sys.argv[1])):
    if d["state"] == "RUNNING" and "_properties" in d:
        print(d["uuid"], d["_salt"]); break' "$F/jobs.ndjson")
ORIGINAL_TOKEN=$(python3 -c 'import hashlib,sys; print(hashlib.sha256((sys.argv[1] + ":" + sys.argv[2]).encode()).hexdigest()[:16])' "$SALT" "$RUNNING")
run --local event update "$RUNNING" --token "$ORIGINAL_TOKEN" --data '{"after": "migration"}'
expect_rc 0 "an event with the original job token"
run --local event update "$RUNNING" --token "${ORIGINAL_TOKEN%?}0"
[ "${ORIGINAL_TOKEN: -1}" = 0 ] && run --local event update "$RUNNING" --token "${ORIGINAL_TOKEN%?}1"
expect_rc 5 "a wrong job token"
# The original admin token: sha256(secret:key:each digit of the hour window)[:16].
SECRET=the-original-manager-secret
ADMIN_TOKEN=$(python3 -c '
import hashlib, sys, time
w = int(time.time()) // 3600
print(hashlib.sha256(":".join([sys.argv[1], "pjm"] + list(str(w))).encode()).hexdigest()[:16])' "$SECRET")
FAILED=$(python3 -c 'import json,sys; print([d["uuid"] for d in map(json.loads, open(sys.argv[1])) if d["state"] == "FAILED"][0])' "$F/jobs.ndjson")
PJM_ADMIN_SECRET=$SECRET run --local event reset "$FAILED" --token "$ADMIN_TOKEN"
expect_rc 0 "reset with the original admin token"
PJM_ADMIN_SECRET=other-secret run --local event ready "$FAILED" --token "$ADMIN_TOKEN"
expect_rc 5 "the admin token of another secret"

# --- again: nothing changes
BEFORE=$(dump_sum)
run --local --json import --from datacatalog --aside "$WORK/aside2.ndjson" "${INPUTS[@]}"
expect_rc 0 "a second import"
expect_eq "$(json_field new.jobs)" 0 "a second import: no new job"
expect_eq "$(json_field present.jobs)" 18 "a second import: every job present"
expect_eq "$(dump_sum)" "$BEFORE" "a second import changed nothing"

# --- invalid documents: listed with _id and reason; nothing written unless --skip-invalid
BEFORE=$(dump_sum)
run --local import --from datacatalog --aside "$WORK/aside3.ndjson" "$F/invalid.ndjson" "$F/jobs.ndjson" "$F/pipelines.json"
expect_rc 3 "invalid documents"
for reason in "no _salt" "'DONE' is not a PipelineJob state" "neither in the files nor in the database" \
    "which the original schema does not allow"; do
    expect_out "$reason" "the report says: $reason"
done
expect_out "_id $(head -1 "$F/invalid.ndjson" | python3 -c 'import json,sys; print(json.load(sys.stdin)["_id"]["$oid"])')" "the report names the _id"
expect_eq "$(dump_sum)" "$BEFORE" "invalid documents: nothing written"
run --local --json import --from datacatalog --skip-invalid --aside "$WORK/aside3.ndjson" "$F/invalid.ndjson" "$F/pipelines.json"
expect_rc 0 "--skip-invalid"
expect_eq "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["refused"]))' "$OUT")" 4 "--skip-invalid lists the 4 refused"
expect_eq "$(dump_sum)" "$BEFORE" "--skip-invalid: nothing else to import, nothing changed"

# --- not Extended JSON at all
printf '{"uuid": \n' >"$WORK/broken.ndjson"
run --local import --from datacatalog "$WORK/broken.ndjson"
expect_rc 3 "a file that is not JSON"
expect_err "line 1" "the refusal names the line"
run --local import --dry-run "$F/jobs.ndjson"
expect_rc 2 "--dry-run without --from datacatalog"

finish
