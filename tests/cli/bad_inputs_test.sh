#!/usr/bin/env bash
# Bad inputs, through the commands (pjm --local event/delete/create) and raw through
# `pjm handle` (file, stdin, --query): JSON that is empty, cut, not an object, has a key twice,
# is not UTF-8, holds NUL bytes, numbers beyond 64 bits or a double, or nests too deep; schema
# violations; bad query strings (malformed escapes, a message parameter twice, missing
# fields); unknown jobs and pipelines; wrong tokens, other jobs' tokens, admin tokens expired
# or made with another secret or key; lifecycle conflicts. (What only HTTP has, sizes, framing,
# headers, methods and paths, is in bad_http_test.sh.) Each must exit with its code, say why
# on stderr, never repeat a token, and leave the database exactly as it was: same dump, same
# checksum of the dump.
source "$PJM_TEST_LIB"

# The jobs the cases aim at: JOB (CREATED) with TOKEN, JOB2 with TOKEN2, HIDDEN (soft-deleted,
# its token HTOKEN) and GONE (force-deleted, its token GTOKEN).
setup_job second '{"n": 2}'
JOB2=$JOB TOKEN2=$TOKEN
setup_job third '{"n": 3}'
HIDDEN=$JOB HTOKEN=$TOKEN
setup_job fourth '{"n": 4}'
GONE=$JOB GTOKEN=$TOKEN
setup_job demo '{"n": 1}'
run --local delete "$HIDDEN" --token "$ADMIN"
[ "$RC" -eq 0 ] || { cat "$ERR" >&2; exit 1; }
run --local delete "$GONE" --force --token "$ADMIN"
[ "$RC" -eq 0 ] || { cat "$ERR" >&2; exit 1; }

# Admin tokens: valid in their window and the next (docs/protocol.md#tokens), so two windows
# back is expired; another secret or another key makes tokens never valid here.
NOW=$(date +%s)
ADMIN_OLD=$("$PJM" --local token admin --at $((NOW - 7200)))
ADMIN_OTHER=$(PJM_ADMIN_SECRET=not-this-database-secret "$PJM" --local token admin)
ADMIN_KEY=$("$PJM" --local token admin --key not-the-key)
[ -n "$ADMIN_OLD" ] && [ -n "$ADMIN_OTHER" ] && [ -n "$ADMIN_KEY" ] || { echo "setup failed" >&2; exit 1; }
UNKNOWN=107aaaaa-bbbb-5ccc-8ddd-eeeeeeeeeeee
UPPER=$(tr a-f A-F <<<"$JOB")
# nest N: a JSON object N levels deep.
nest() { python3 -c 'import sys; n = int(sys.argv[1]); print("{\"a\": " * (n - 1) + "{}" + "}" * (n - 1))' "$1"; }
DATA64=$(nest 64) # as --data, the message around it is 65 levels deep
DATA63=$(nest 63)
AGAVE='{"owner": "o", "appId": "a", "executionSystem": "e", "archivePath": "p", "archiveSystem": "s", "status": "RUNNING", "inputs": {}, "parameters": {}, "_links": {}}'
printf '' >"$WORK/empty.json"

IN="$WORK/message"
# body FORMAT ARGS… : writes a message (printf FORMAT, so \xff and \0 work) to $IN.
body() {
    local format=$1
    shift
    # shellcheck disable=SC2059
    printf "$format" "$@" >"$IN"
}

# One case per line: CODE | stderr fragment | what | the command (run in this shell).
CASES=$(cat <<'EOF'
3|--data: invalid JSON|--data that is not JSON|run --local event run "$JOB" --token "$TOKEN" --data '{"a": }'
3|unexpected end of input|--data truncated|run --local event run "$JOB" --token "$TOKEN" --data '{"a": [1, 2'
3|/data|--data that is an array|run --local event run "$JOB" --token "$TOKEN" --data '[1, 2]'
3|/data|--data that is a string|run --local event run "$JOB" --token "$TOKEN" --data '"text"'
3|/data|--data that is a number|run --local event run "$JOB" --token "$TOKEN" --data 42
3|empty message|--data of blanks only|run --local event run "$JOB" --token "$TOKEN" --data '   '
3|empty message|--data from an empty file|run --local event run "$JOB" --token "$TOKEN" --data "@$WORK/empty.json"
2|cannot read --data file|--data from a missing file|run --local event run "$JOB" --token "$TOKEN" --data "@$WORK/missing.json"
2|cannot read --data file|--data from a directory|run --local event run "$JOB" --token "$TOKEN" --data "@$WORK"
3|ill-formed UTF-8|--data from stdin with invalid UTF-8|body '{"s": "\xff\xfe"}'; run_in "$IN" --local event run "$JOB" --token "$TOKEN" --data -
3|/data|create --data that is an array|run --local create --pipeline "$PIPELINE" --archive-path /a --data '[1]'
3|did you mean 'finish'|unknown event (command)|run --local event finsh "$JOB" --token "$TOKEN"
3|'create' is not an event|'create' as an event (command)|run --local event create "$JOB" --token "$TOKEN"
3|/uuid|job UUID with the pipeline prefix 106 (command)|run --local event run "106${JOB:3}" --token "$TOKEN"
3|/uuid|job UUID with a letter past f (command)|run --local event run "${JOB:0:35}g" --token "$TOKEN"
3|/uuid|job UUID shorter than a prefix (command)|run --local delete "${JOB:0:5}" --token "$ADMIN"
3|/pipeline_uuid|create with a job UUID as pipeline|run --local create --pipeline "$JOB" --archive-path /a
2|--token must be the job's token|token of 15 characters (command)|run --local event run "$JOB" --token "${TOKEN:0:15}"
2|--token must be the job's token|token of 18 characters (command)|run --local delete "$JOB" --token "${ADMIN}ab"
3|ill-formed UTF-8|--data with an invalid UTF-8 byte|run --local event run "$JOB" --token "$TOKEN" --data $'{"s": "\xff"}'
3|the key 'a' appears twice|--data with a duplicate key|run --local event run "$JOB" --token "$TOKEN" --data '{"a": 1, "a": 2}'
3|the key 'x' appears twice|create --data with a duplicate key deep inside|run --local create --pipeline "$PIPELINE" --archive-path /a --data '{"n": 9, "l": [{"x": 1, "x": 1}]}'
3|does not fit in 64 bits|--data with an integer of 2^64|run --local event run "$JOB" --token "$TOKEN" --data '{"n": 18446744073709551616}'
3|does not fit in 64 bits|--data with an integer below -2^63|run --local event run "$JOB" --token "$TOKEN" --data '{"n": -9223372036854775809}'
3|beyond the range of a double|--data with a number beyond a double|run --local event run "$JOB" --token "$TOKEN" --data '{"x": -1e400}'
3|missing closing quote|--data cut inside a string|run --local event run "$JOB" --token "$TOKEN" --data '{"s": "abc'
3|nested deeper than 64 levels|--data of 100000 open brackets from stdin|python3 -c 'print("[" * 100000)' >"$IN"; run_in "$IN" --local event run "$JOB" --token "$TOKEN" --data -
3|not valid UTF-8|--archive-path with invalid UTF-8|run --local create --pipeline "$PIPELINE" --archive-path $'/a\xff' --data '{"n": 5}'
3|nested deeper than 64 levels|--data nested 65 deep|run --local event run "$JOB" --token "$TOKEN" --data "{\"a\": $DATA64}"
3|nested deeper than 64 levels|--data 64 deep: the message is 65|run --local event run "$JOB" --token "$TOKEN" --data "$DATA64"
4|job 107aaaaa-bbbb-5ccc-8ddd-eeeeeeeeeeee not found|unknown job (command)|run --local event run "$UNKNOWN" --token "$TOKEN"
4|pipeline 106aaaaa-bbbb-5ccc-8ddd-eeeeeeeeeeee not found|create for an unknown pipeline|run --local create --pipeline 106aaaaa-bbbb-5ccc-8ddd-eeeeeeeeeeee --archive-path /a
5|neither this job's token nor a valid admin token|wrong token (command)|run --local event run "$JOB" --token 0123456789abcdef
5|neither this job's token nor a valid admin token|another job's token (command)|run --local event run "$JOB" --token "$TOKEN2"
5|'reset' needs a valid admin token|admin token two windows old, expired (command)|run --local event reset "$JOB" --token "$ADMIN_OLD"
5|'reset' needs a valid admin token|admin token of another secret (command)|run --local event reset "$JOB" --token "$ADMIN_OTHER"
5|'reset' needs a valid admin token|admin token of another key (command)|run --local event reset "$JOB" --token "$ADMIN_KEY"
5|delete needs a valid admin token|force delete with an expired admin token (command)|run --local delete "$JOB" --force --token "$ADMIN_OLD"
5|neither this job's token nor a valid admin token|admin token in upper case (command)|run --local event update "$JOB" --token "$(tr a-f A-F <<<"$ADMIN")"
5|'reset' needs a valid admin token|admin-only event with a job token (command)|run --local event reset "$JOB" --token "$TOKEN"
5|delete needs a valid admin token|delete with the job's token (command)|run --local delete "$JOB" --token "$TOKEN"
6|has been deleted (hidden)|event on a soft-deleted job (command)|run --local event run "$HIDDEN" --token "$HTOKEN"
4|not found|event on a force-deleted job (command)|run --local event run "$GONE" --token "$GTOKEN"
6|already exists|create the same job twice|run --local create --pipeline "$PIPELINE" --archive-path /b --data '{"n": 1}'
6|'finalize' is not allowed in state CREATED|event not allowed in the state (command)|run --local event finalize "$JOB" --token "$TOKEN"
3|empty message|handle: empty file|body ''; run --local handle "$IN"
3|empty message|handle: blanks only on stdin|body ' \n\t \n'; run_in "$IN" --local handle
3|must be a JSON object|handle: a JSON array|body '[{"uuid": "%s", "name": "run", "token": "%s"}]' "$JOB" "$TOKEN"; run --local handle "$IN"
3|must be a JSON object|handle: a JSON string|body '"run"'; run_in "$IN" --local handle -
3|must be a JSON object|handle: a JSON number|body '107'; run --local handle "$IN"
3|invalid JSON|handle: truncated JSON on stdin|body '{"uuid": "%s", "name": "run", "token": "%s"' "$JOB" "$TOKEN"; run_in "$IN" --local handle
3|invalid JSON|handle: single-quoted JSON|body "{'uuid': '%s', 'name': 'run'}" "$JOB"; run --local handle "$IN"
3|expected end of input|handle: text after the object|body '{"uuid": "%s", "name": "run", "token": "%s"} x' "$JOB" "$TOKEN"; run --local handle "$IN"
3|Missing required property|handle: an empty object|body '{}'; run --local handle "$IN"
3|/name|handle: name as a number|body '{"uuid": "%s", "name": 5, "token": "%s"}' "$JOB" "$TOKEN"; run --local handle "$IN"
3|/uuid|handle: uuid as a number|body '{"uuid": 107, "name": "run", "token": "%s"}' "$TOKEN"; run --local handle "$IN"
3|/data|handle: data as an array|body '{"uuid": "%s", "name": "run", "data": [1], "token": "%s"}' "$JOB" "$TOKEN"; run --local handle "$IN"
3|/data|handle: data as a string|body '{"uuid": "%s", "name": "run", "data": "x", "token": "%s"}' "$JOB" "$TOKEN"; run --local handle "$IN"
3|/force|handle: force as a string|body '{"uuid": "%s", "action": "delete", "force": "true", "token": "%s"}' "$JOB" "$ADMIN"; run --local handle "$IN"
3|/token|handle: token as a number|body '{"uuid": "%s", "name": "run", "token": 1234567890123456}' "$JOB"; run --local handle "$IN"
3|'extra'|handle: an extra property|body '{"uuid": "%s", "name": "run", "token": "%s", "extra": 1}' "$JOB" "$TOKEN"; run --local handle "$IN"
3|did you mean 'run'|handle: unknown event name|body '{"uuid": "%s", "name": "runn", "token": "%s"}' "$JOB" "$TOKEN"; run --local handle "$IN"
3|'create' is not an event|handle: 'create' as an event|body '{"uuid": "%s", "name": "create", "token": "%s"}' "$JOB" "$TOKEN"; run --local handle "$IN"
3|/uuid|handle: job UUID with prefix 106|body '{"uuid": "106%s", "name": "run", "token": "%s"}' "${JOB:3}" "$TOKEN"; run --local handle "$IN"
3|/uuid|handle: upper-case job UUID|body '{"uuid": "%s", "name": "run", "token": "%s"}' "$UPPER" "$TOKEN"; run --local handle "$IN"
3|/uuid|handle: short job UUID|body '{"uuid": "107abc", "name": "run", "token": "%s"}' "$TOKEN"; run --local handle "$IN"
3|/token|handle: token of 15 characters|body '{"uuid": "%s", "name": "run", "token": "%s"}' "$JOB" "${TOKEN:0:15}"; run --local handle "$IN"
3|/token|handle: token of 18 characters|body '{"uuid": "%s", "name": "run", "token": "%sab"}' "$JOB" "$TOKEN"; run --local handle "$IN"
3|/pipeline_uuid|handle: create with a job UUID as pipeline|body '{"pipeline_uuid": "%s", "archive_path": "/a", "data": {}}' "$JOB"; run --local handle "$IN"
3|nested deeper than 64 levels|handle: JSON nested 65 deep|body '{"uuid": "%s", "name": "run", "token": "%s", "data": %s}' "$JOB" "$TOKEN" "$DATA64"; run --local handle "$IN"
3|ill-formed UTF-8|handle: invalid UTF-8 bytes|body '{"uuid": "%s", "name": "run", "token": "%s", "data": {"s": "\xc3\x28"}}' "$JOB" "$TOKEN"; run --local handle "$IN"
3|the key 'name' appears twice|handle: a duplicate key|body '{"uuid": "%s", "name": "finalize", "token": "%s", "name": "update"}' "$JOB" "$TOKEN"; run --local handle "$IN"
3|the key 'token' appears twice|handle: a duplicate token key on stdin|body '{"uuid": "%s", "name": "update", "token": "%s", "token": "%s"}' "$JOB" "$TOKEN2" "$TOKEN"; run_in "$IN" --local handle -
3|ill-formed UTF-8|handle: an overlong UTF-8 encoding|body '{"uuid": "%s", "name": "run", "token": "%s", "data": {"s": "\xc0\xaf"}}' "$JOB" "$TOKEN"; run --local handle "$IN"
3|surrogate|handle: a lone UTF-16 surrogate escape|body '{"uuid": "%s", "name": "run", "token": "%s", "data": {"s": "\\ud800"}}' "$JOB" "$TOKEN"; run --local handle "$IN"
3|invalid JSON|handle: a UTF-16 file|printf '{"uuid": "%s", "name": "run", "token": "%s"}' "$JOB" "$TOKEN" | iconv -f UTF-8 -t UTF-16 >"$IN"; run --local handle "$IN"
3|does not fit in 64 bits|handle: an integer of 2^64|body '{"uuid": "%s", "name": "run", "token": "%s", "data": {"n": 18446744073709551616}}' "$JOB" "$TOKEN"; run --local handle "$IN"
3|beyond the range of a double|handle: a number beyond a double|body '{"uuid": "%s", "name": "run", "token": "%s", "data": {"x": 1e400}}' "$JOB" "$TOKEN"; run --local handle "$IN"
3|missing closing quote|handle: JSON cut inside the token (never echoed)|body '{"uuid": "%s", "name": "run", "token": "%s' "$JOB" "$TOKEN"; run --local handle "$IN"
3|NUL byte|handle: a NUL byte inside a string|body '{"uuid": "%s", "name": "run", "token": "%s", "data": {"s": "a\0b"}}' "$JOB" "$TOKEN"; run --local handle "$IN"
3|invalid JSON|handle: a NUL byte, then more text, after the object|body '{"uuid": "%s", "name": "run", "token": "%s"}\0{"junk": ' "$JOB" "$TOKEN"; run --local handle "$IN"
4|not found|handle: unknown job|body '{"uuid": "%s", "name": "run", "token": "%s"}' "$UNKNOWN" "$TOKEN"; run --local handle "$IN"
4|pipeline 106aaaaa-bbbb-5ccc-8ddd-eeeeeeeeeeee not found|handle: create for an unknown pipeline|body '{"pipeline_uuid": "106aaaaa-bbbb-5ccc-8ddd-eeeeeeeeeeee", "archive_path": "/a", "data": {}}'; run --local handle "$IN"
5|needs a token|handle: event without a token|body '{"uuid": "%s", "name": "run"}' "$JOB"; run_in "$IN" --local handle
5|neither this job's token|handle: wrong token|body '{"uuid": "%s", "name": "run", "token": "fedcba9876543210"}' "$JOB"; run --local handle "$IN"
5|neither this job's token|handle: another job's token|body '{"uuid": "%s", "name": "run", "token": "%s"}' "$JOB" "$TOKEN2"; run --local handle "$IN"
5|'ready' needs a valid admin token|handle: an expired admin token|body '{"uuid": "%s", "name": "ready", "token": "%s"}' "$JOB" "$ADMIN_OLD"; run --local handle "$IN"
5|delete needs a valid admin token|handle: delete with an admin token of another secret|body '{"uuid": "%s", "action": "delete", "token": "%s"}' "$JOB" "$ADMIN_OTHER"; run --local handle "$IN"
5|neither this job's token|handle: another job's token in --query|body '{"uuid": "%s", "name": "update"}' "$JOB"; run --local handle "$IN" --query "token=$TOKEN2"
5|'ready' needs a valid admin token|handle: admin-only event with a job token|body '{"uuid": "%s", "name": "ready", "token": "%s"}' "$JOB" "$TOKEN"; run --local handle "$IN"
5|delete needs a valid admin token|handle: delete with a job token|body '{"uuid": "%s", "action": "delete", "force": true, "token": "%s"}' "$JOB" "$TOKEN"; run --local handle "$IN"
6|has been deleted (hidden)|handle: event on a soft-deleted job|body '{"uuid": "%s", "name": "update", "token": "%s"}' "$HIDDEN" "$HTOKEN"; run --local handle "$IN"
6|already deleted|handle: soft delete of a soft-deleted job|body '{"uuid": "%s", "action": "delete", "token": "%s"}' "$HIDDEN" "$ADMIN"; run --local handle "$IN"
4|not found|handle: delete of a force-deleted job|body '{"uuid": "%s", "action": "delete", "token": "%s"}' "$GONE" "$ADMIN"; run --local handle "$IN"
3|Missing required property 'uuid'|handle: Agave callback without the uuid URL parameter|body '%s' "$AGAVE"; run --local handle "$IN" --query "token=$TOKEN"
3|URL parameter uuid|handle: Agave callback with a bad uuid URL parameter|body '%s' "$AGAVE"; run --local handle "$IN" --query "uuid=107xyz&token=$TOKEN"
3|Missing required property '_links'|handle: Agave callback body without _links|body '{"owner": "o", "appId": "a", "executionSystem": "e", "archivePath": "p", "archiveSystem": "s", "status": "RUNNING", "inputs": {}, "parameters": {}}'; run --local handle "$IN" --query "uuid=$JOB&token=$TOKEN"
3|must be a JSON object|handle: URL-parameter form with an array body|body '[1, 2]'; run --local handle "$IN" --query "uuid=$JOB&name=update&token=$TOKEN"
3|must be a JSON object|handle: URL-parameter form with a string body|body '"data"'; run_in "$IN" --local handle --query "uuid=$JOB&event=update&token=$TOKEN"
3|URL parameter name|handle: URL-parameter form with an unknown event|body '{}'; run --local handle "$IN" --query "uuid=$JOB&name=launch&token=$TOKEN"
3|malformed %-escape|handle: malformed %-escape in --query|body '{}'; run --local handle "$IN" --query "uuid=$JOB&name=update&token=%zz"
3|malformed %-escape|handle: truncated %-escape in --query|body '{}'; run --local handle "$IN" --query "uuid=$JOB&name=update%2"
3|URL parameter uuid is given 2 times|handle: the uuid parameter twice in --query|body '{}'; run --local handle "$IN" --query "uuid=$JOB&uuid=$JOB2&name=update&token=$TOKEN"
3|URL parameter token is given 2 times|handle: the token parameter twice in --query|body '{}'; run --local handle "$IN" --query "uuid=$JOB&name=update&token=$TOKEN2&token=$TOKEN"
3|URL parameter name is given 2 times|handle: the name parameter twice in --query|body '{}'; run --local handle "$IN" --query "uuid=$JOB&name=update&name=finalize&token=$TOKEN"
3|URL parameter token is given 2 times|handle: a JSON event with the token twice in --query|body '{"uuid": "%s", "name": "update"}' "$JOB"; run --local handle "$IN" --query "token=$TOKEN&token=$TOKEN"
3|URL parameter uuid|handle: a %00 inside the uuid parameter|body '{}'; run --local handle "$IN" --query "uuid=$JOB%00&name=update&token=$TOKEN"
3|not valid UTF-8|handle: a URL parameter that is not UTF-8|body '{}'; run --local handle "$IN" --query "uuid=$JOB&name=update&token=%DD%9C%9C%9C%9C%9C%9C%9C%9C%9C%9C%9C%9C%9C%9C%9C"
3|Missing required property 'uuid'|handle: URL parameters with 'job' instead of uuid|body '{}'; run --local handle "$IN" --query "job=$JOB&name=update&token=$TOKEN"
3|Missing required property 'name'|handle: URL parameters without name|body '{}'; run --local handle "$IN" --query "uuid=$JOB&token=$TOKEN"
5|needs a token|handle: URL parameters without a token|body '{}'; run --local handle "$IN" --query "uuid=$JOB&name=update"
2|cannot read message file|handle: a missing file|run --local handle "$WORK/missing.json"
EOF
)

cases=0
dump_before=$(db_dump) # then each case's dump after is the next one's before
while IFS= read -r line; do
    [ -n "$line" ] || continue
    code=${line%%|*} rest=${line#*|}
    fragment=${rest%%|*} rest=${rest#*|}
    what=${rest%%|*} command=${rest#*|}
    cases=$((cases + 1))
    sum_before=$(text_sum "$dump_before")
    eval "$command"
    expect_rc "$code" "$what"
    expect_err_nonempty "$what"
    expect_err "pjm: error: " "$what"
    expect_err "$fragment" "$what"
    # No token is ever repeated back, whatever the command was given.
    for secret in "$TOKEN" "$TOKEN2" "$HTOKEN" "$GTOKEN" "$ADMIN" "$ADMIN_OLD" "$ADMIN_OTHER"; do
        expect_absent "$secret" "$what"
    done
    dump_after=$(db_dump)
    expect_eq "$(text_sum "$dump_after")" "$sum_before" "$what: checksum of the database dump"
    check
    [ "$dump_after" = "$dump_before" ] || fail "$what: the database dump changed"
    dump_before=$dump_after
done <<<"$CASES"

echo "bad_inputs_test: $cases bad inputs"
check
[ "$cases" -ge 40 ] || fail "only $cases bad inputs; at least 40 expected"

# The limits are not off by one: a message 64 levels deep is accepted, through either door.
body '{"uuid": "%s", "name": "update", "token": "%s", "data": %s}' "$JOB" "$TOKEN" "$DATA63"
run --local handle "$IN"
expect_rc 0 "handle: a message nested 64 deep"
run --local event update "$JOB" --token "$TOKEN" --data "$DATA63"
expect_rc 0 "--data 63 deep (a message 64 deep)"
# Tokens of 16 and 17 characters pass the schema (docs/protocol.md#tokens); a wrong one is then
# refused.
run --local event update "$JOB" --token "${TOKEN}0"
expect_rc 5 "a 17-character token passes the schema and is refused as a token"

# Endless inputs are read only up to the limit of a message (1 MiB), then refused; nothing is
# applied. (timeout: a reader without a bound would run until memory ran out.)
before=$(db_sum)
timeout 20 "$PJM" --local event update "$JOB" --token "$TOKEN" --data @/dev/zero >"$OUT" 2>"$ERR"
RC=$?
expect_rc 3 "--data @/dev/zero"
expect_err "is over the 1048576-byte limit of a message" "--data @/dev/zero says why"
timeout 20 "$PJM" --local event update "$JOB" --token "$TOKEN" --data - </dev/zero >"$OUT" 2>"$ERR"
RC=$?
expect_rc 3 "--data - from /dev/zero"
timeout 20 "$PJM" --local handle - </dev/zero >"$OUT" 2>"$ERR"
RC=$?
expect_rc 3 "handle - from /dev/zero"
timeout 20 "$PJM" --config /dev/zero --local status "$JOB" >"$OUT" 2>"$ERR"
RC=$?
expect_rc 2 "--config /dev/zero"
expect_err "is over 1 MiB" "--config /dev/zero says why"
timeout 20 "$PJM" --local event --batch /dev/zero >"$OUT" 2>"$ERR"
RC=$?
check
[ "$RC" -ne 0 ] && [ "$RC" -ne 124 ] || fail "event --batch /dev/zero: exit $RC"
expect_err "over the 1048576-byte limit of a message" "event --batch /dev/zero says why"
expect_eq "$(db_sum)" "$before" "the database after endless inputs"

finish
