# bash completion for pjm(1)                                     -*- shell-script -*-
# Installed as share/bash-completion/completions/pjm. Needs nothing from the
# bash-completion package, but uses its _command_offset after `pjm exec … --` when present.
# tests/cli/docs_sync_test.sh keeps the lists below in step with `pjm … --help`.

_pjm_events="run update resource fail finish index indexed validate validated finalize reject retire reset ready"
_pjm_states="CREATED RUNNING FAILED FINISHED INDEXING VALIDATING VALIDATED REJECTED FINALIZED RETIRED RESET"
_pjm_schema_kinds="event delete create agave tapis nextflow cromwell slurm cloudevents urlparams"
_pjm_tapis_categories="JOB_NEW_STATUS JOB_INPUT_TRANSACTION_ID JOB_ARCHIVE_TRANSACTION_ID JOB_SUBSCRIPTION JOB_SHARE_EVENT JOB_ERROR_MESSAGE JOB_USER_EVENT ALL"

# _pjm_children PATH: the subcommands of a command ("" is pjm itself).
_pjm_children() {
    case $1 in
    "") echo "event delete create status list token pipeline handle fsm schema db outbox exec serve export import subscription" ;;
    token) echo "admin job verify" ;;
    pipeline) echo "add list" ;;
    db) echo "init migrate prune" ;;
    outbox) echo "list show flush drop" ;;
    esac
}

# _pjm_options PATH: the options of a command ("" is pjm itself: the global options).
_pjm_options() {
    case $1 in
    "") echo "--help --version --local --json --template --quiet --dry-run --verbose --sync --wait --wait-timeout" \
        "--no-outbox --insecure --config --db --url --tenant-url --actor-id --bearer --nonce" \
        "--tapis-token --api" \
        "--cacert --connect-timeout --timeout --retries --retry-max-time --outbox --color" ;;
    event) echo "--token --data --url-params --batch --fail-fast" ;;
    delete) echo "--token --force" ;;
    create) echo "--pipeline --archive-path --archive-system --data --session" ;;
    status) echo "--history --before --execution --follow --until --interval" ;;
    subscription) echo "--platform --events --ttl-minutes --token" ;;
    list) echo "--state --pipeline --limit --cursor --since --until --all" ;;
    "token admin") echo "--key --lifetime --at" ;;
    "token verify") echo "--job" ;;
    "pipeline add") echo "--name --uuid --description" ;;
    handle) echo "--query" ;;
    fsm) echo "--dot" ;;
    "outbox flush") echo "--url --job" ;;
    "db prune") echo "--executions-older-than" ;;
    "outbox drop") echo "--job --all" ;;
    exec) echo "--token --strict" ;;
    serve) echo "--listen --tls-cert --tls-key --admin-credential-file --viewer-credential-file --no-ui --keep-executions --jobcomp-from --cloudevents-map --bearer-file --nonce-file --tapis-token-file --tapis-public-key --tapis-tenant --tapis-user --no-auth --max-body --threads --case" ;;
    export) echo "--format --output --force" ;;
    import) echo "--keep-settings --from --dry-run --skip-invalid --aside" ;;
    esac
}

# _pjm_takes_value OPTION: whether OPTION is followed by a value.
_pjm_takes_value() {
    case $1 in
    --wait-timeout | --config | --db | --url | --tenant-url | --actor-id | --bearer | --nonce | \
        --tapis-token | --api | \
        --cacert | --connect-timeout | --timeout | --retries | --retry-max-time | --outbox | \
        --token | --data | --batch | --pipeline | --archive-path | --archive-system | --session | \
        --history | --before | --execution | --state | --limit | --key | --lifetime | --at | --job | --name | --uuid | \
        --description | --query | --listen | --bearer-file | --nonce-file | --max-body | --threads | --case | \
        --tapis-token-file | --tapis-public-key | --tapis-tenant | --tapis-user | \
        --tls-cert | --tls-key | --admin-credential-file | --viewer-credential-file | --platform | --events | --ttl-minutes | \
        --output | --color | --template | --until | --interval | --cursor | --since | \
        --keep-executions | --executions-older-than | --jobcomp-from | --cloudevents-map | --from | --aside | --format)
        return 0
        ;;
    esac
    return 1
}

_pjm_files() { # _pjm_files PREFIX WORD [-d]: files (or folders) whose names start with WORD
    local IFS=$'\n'
    compopt -o filenames 2>/dev/null
    COMPREPLY=($(compgen -P "$1" -${3:-f} -- "$2"))
}

# _pjm_dynamic KIND PREFIX WORD: job UUIDs, pipeline names or outbox ids, asked of pjm itself
# (`pjm __complete`: the database with --local, else the configured manager, 2 s at most) with
# the options on the line that say where they are (_pjm_where).
_pjm_dynamic() {
    local IFS=$'\n'
    COMPREPLY=($(compgen -P "$2" -W "$("${COMP_WORDS[0]}" "${_pjm_where[@]}" __complete "$1" "$3" 2>/dev/null)" -- "$3"))
}

_pjm() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev="" value_of="" given=""
    local -a _pjm_where=()
    ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
    COMPREPLY=()

    # The value of an option: "--db PATH", or "--db=PATH" split at '=' by COMP_WORDBREAKS or,
    # where '=' is not a word break, kept whole (then $given is the "--db=" to put back).
    if [[ $cur == = ]]; then
        value_of=$prev cur=""
    elif [[ $prev == = ]] && ((COMP_CWORD > 1)); then
        value_of=${COMP_WORDS[COMP_CWORD - 2]}
    elif [[ $cur == --*=* ]]; then
        value_of=${cur%%=*} given=${cur%%=*}= cur=${cur#*=}
    elif _pjm_takes_value "$prev"; then
        value_of=$prev
    fi

    # Which command the words so far name, and how many arguments follow it.
    local path="" args=0 i w dashdash=0
    for ((i = 1; i < COMP_CWORD; i++)); do
        w=${COMP_WORDS[i]}
        if [[ $w == -- ]]; then
            dashdash=$i
            break
        elif [[ $w == = ]]; then
            ((i++)) # "--opt = value"
        elif [[ $w == -* ]]; then
            case $w in
            --local) _pjm_where+=("$w") ;;
            --db=* | --url=* | --config=* | --outbox=* | --tenant-url=* | --actor-id=* | --api=* | --cacert=*)
                _pjm_where+=("$w") ;;
            --db | --url | --config | --outbox | --tenant-url | --actor-id | --api | --cacert)
                [[ ${COMP_WORDS[i + 1]} != = ]] && _pjm_where+=("$w" "${COMP_WORDS[i + 1]}") ;;
            esac
            if [[ $w != *=* && ${COMP_WORDS[i + 1]} != = ]] && _pjm_takes_value "$w"; then
                ((i++))
            fi
        elif ((args == 0)) && [[ " $(_pjm_children "$path") " == *" $w "* ]]; then
            path=${path:+$path }$w
        else
            ((args++))
        fi
    done

    if ((dashdash > 0)); then # pjm exec … -- COMMAND ARGS…
        if declare -F _command_offset >/dev/null; then
            _command_offset $((dashdash + 1))
        elif ((COMP_CWORD == dashdash + 1)); then
            COMPREPLY=($(compgen -c -- "$cur" | sort -u))
        else
            _pjm_files "" "$cur"
        fi
        return 0
    fi

    if [[ -n $value_of ]]; then
        case $value_of in
        --config | --db | --cacert | --bearer-file | --nonce-file | --cloudevents-map | --aside | --batch | --output | \
            --tapis-token-file | --tapis-public-key | --tls-cert | --tls-key | --admin-credential-file | --viewer-credential-file) _pjm_files "$given" "$cur" ;;
        --outbox) _pjm_files "$given" "$cur" d ;;
        --from) COMPREPLY=($(compgen -P "$given" -W "pjm datacatalog" -- "$cur")) ;;
        --format) COMPREPLY=($(compgen -P "$given" -W "ndjson ro-crate prov-json" -- "$cur")) ;;
        --data) [[ $cur == @* ]] && _pjm_files "$given@" "${cur#@}" ;;
        --state) COMPREPLY=($(compgen -P "$given" -W "$_pjm_states" -- "${cur^^}")) ;;
        --until) [[ $path == status ]] && COMPREPLY=($(compgen -P "$given" -W "$_pjm_states" -- "${cur^^}")) ;;
        --platform) COMPREPLY=($(compgen -P "$given" -W "tapis agave" -- "$cur")) ;;
        --events) COMPREPLY=($(compgen -P "$given" -W "$_pjm_tapis_categories" -- "${cur^^}")) ;;
        --color) COMPREPLY=($(compgen -P "$given" -W "auto always never" -- "$cur")) ;;
        --case) COMPREPLY=($(compgen -P "$given" -W "snake camel both" -- "$cur")) ;;
        --api) COMPREPLY=($(compgen -P "$given" -W "v2 v3" -- "$cur")) ;;
        --job) _pjm_dynamic jobs "$given" "$cur" ;;
        --pipeline) _pjm_dynamic pipelines "$given" "$cur" ;;
        esac
        return 0
    fi

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$(_pjm_options "$path")${path:+ --help}" -- "$cur"))
        # Global options are accepted after a command too; offer them when nothing else fits.
        if ((${#COMPREPLY[@]} == 0)) && [[ -n $path ]]; then
            COMPREPLY=($(compgen -W "$(_pjm_options "")" -- "$cur"))
        fi
        return 0
    fi

    local children
    children=$(_pjm_children "$path")
    if [[ -n $children ]] && ((args == 0)); then
        COMPREPLY=($(compgen -W "$children" -- "$cur"))
        return 0
    fi
    case "$path:$args" in
    event:0) COMPREPLY=($(compgen -W "$_pjm_events" -- "$cur")) ;;
    event:1 | status:0 | delete:0 | exec:0 | subscription:0 | "token job:0" | export:*) _pjm_dynamic jobs "" "$cur" ;;
    "outbox show:0" | "outbox drop:0") _pjm_dynamic outbox "" "$cur" ;;
    schema:0) COMPREPLY=($(compgen -W "$_pjm_schema_kinds" -- "$cur")) ;;
    handle:0 | import:0) _pjm_files "" "$cur" ;;
    esac
    return 0
}

complete -F _pjm pjm
