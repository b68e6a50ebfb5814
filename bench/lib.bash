# Shared by the bench scripts that run pjm serve (sourced; bench/run runs only bench/*.sh).
#
# bench_setup NAME : a work folder ($WORK, removed at exit with the server), the database
#   $WORK/NAME.db as PJM_DATABASE, HOME there too, and a nonce ($NONCE, listed in
#   $WORK/nonces for --nonce-file).
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
