# Shared by the bench scripts that run pjm serve (sourced; bench/run runs only bench/*.sh).
#
# bench_setup NAME : a work folder ($WORK, removed at exit with the server), the database
#   $WORK/NAME.db as PJM_DATABASE, HOME there too, and a nonce ($NONCE, listed in
#   $WORK/nonces for --nonce-file).
# compare_reads WHAT SMALL_URL LARGE_URL : GETs the two URLs $RUNS times each, alternating, with
#   'Authorization: Bearer $TOKEN'; prints the medians of curl's time_total and their ratio.
# serve_start COMMAND… : runs a `pjm serve --listen 127.0.0.1:0 …` command line in the
#   background, its log in $WORK/serve.log; sets SERVER_PID, PORT and BASE once it listens.
#   (A command run through `env` keeps its process id: SERVER_PID is the server's.)

bench_setup() {
    WORK=$(mktemp -d)
    SERVER_PID=""
    trap bench_cleanup EXIT
    export PJM_DATABASE="$WORK/$1.db" HOME="$WORK"
    NONCE=$1-nonce-$RANDOM$RANDOM$RANDOM
    echo "$NONCE" >"$WORK/nonces"
}

bench_cleanup() {
    [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
    rm -rf "$WORK"
}

serve_start() {
    "$@" 2>"$WORK/serve.log" &
    SERVER_PID=$!
    PORT=""
    for _ in $(seq 1 200); do
        PORT=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$WORK/serve.log")
        [ -n "$PORT" ] && break
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.05
    done
    [ -n "$PORT" ] || {
        echo "$(basename "$0" .sh): the server did not start" >&2
        cat "$WORK/serve.log" >&2
        exit 1
    }
    BASE="http://127.0.0.1:$PORT"
}

compare_reads() {
    local what=$1 small=$2 large=$3
    for _ in $(seq "$RUNS"); do
        printf 'small %s\n' "$(curl -sf -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $TOKEN" "$small")"
        printf 'large %s\n' "$(curl -sf -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $TOKEN" "$large")"
    done | python3 -c '
import statistics, sys
t = {"small": [], "large": []}
for line in sys.stdin:
    k, v = line.split()
    t[k].append(float(v) * 1000)
s, l = statistics.median(t["small"]), statistics.median(t["large"])
print(f"{sys.argv[1]}: median {s:.2f} ms small, {l:.2f} ms large, ratio {l / s:.2f}")
' "$what"
}
