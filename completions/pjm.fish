# fish completion for pjm(1). Installed as share/fish/vendor_completions.d/pjm.fish.
# tests/cli/docs_sync_test.sh keeps it in step with `pjm … --help`.

set -g __pjm_value_options --wait-timeout --config --db --url --tenant-url --actor-id --bearer \
    --nonce --tapis-token --api --cacert --connect-timeout --timeout --retries --retry-max-time --outbox --token \
    --data --batch --pipeline --archive-path --archive-system --session --history --before --execution --state \
    --limit --key --lifetime --at --job --name --uuid --description --query --listen \
    --bearer-file --nonce-file --max-body --threads --case --output --color --tapis-token-file \
    --tapis-public-key --tapis-tenant --tapis-user --template --until --interval --cursor --since --platform --events --ttl-minutes --tls-cert --tls-key --admin-credential-file --viewer-credential-file --keep-executions --jobcomp-from --cloudevents-map --executions-older-than --from --aside --format

function __pjm_children --description 'The subcommands of a pjm command'
    switch "$argv[1]"
        case ''
            echo event delete create status list token pipeline handle fsm schema db outbox exec serve export import subscription
        case token
            echo admin job verify
        case pipeline
            echo add list
        case db
            echo init migrate prune
        case outbox
            echo list show flush drop
    end
end

# Prints the command the words so far name ("" for none, "token admin", …), then on a second
# line how many arguments follow it.
function __pjm_parse
    set -l words (commandline -opc)
    set -e words[1]
    set -l path
    set -l args 0
    set -l skip 0
    for w in $words
        if test $skip = 1
            set skip 0
            continue
        end
        switch $w
            case --
                break
            case '--*=*'
            case $__pjm_value_options
                set skip 1
            case '-*'
            case '*'
                if test $args = 0; and contains -- $w (string split ' ' -- (__pjm_children "$path"))
                    set path (string trim -- "$path $w")
                else
                    set args (math $args + 1)
                end
        end
    end
    echo "$path"
    echo $args
end

# Whether the words so far hold a "--" (pjm exec … -- COMMAND).
function __pjm_dashdash
    contains -- -- (commandline -opc)
end

# Completes the command after "pjm exec … --" as a command line of its own.
function __pjm_exec_command
    set -l words (commandline -opc)
    set -l i (contains -i -- -- $words)
    set -l rest $words[(math $i + 1)..-1]
    complete -C (string join ' ' -- (string escape -- $rest) (commandline -ct))
end

# __pjm_is PATH [ARGS]: the command line names exactly PATH (and has ARGS arguments after it).
function __pjm_is
    set -l state (__pjm_parse)
    test "$state[1]" = "$argv[1]"; or return 1
    test (count $argv) -lt 2; or test "$state[2]" = "$argv[2]"
end

# __pjm_dynamic KIND: job UUIDs, pipeline names or outbox ids, asked of pjm itself
# (`pjm __complete`: the database with --local, else the configured manager, 2 s at most) with
# the options on the line that say where they are.
function __pjm_dynamic
    set -l words (commandline -opc)
    set -l where
    set -l i 2
    while test $i -le (count $words)
        set -l w $words[$i]
        switch $w
            case --local '--db=*' '--url=*' '--config=*' '--outbox=*' '--tenant-url=*' '--actor-id=*' '--api=*' '--cacert=*'
                set -a where $w
            case --db --url --config --outbox --tenant-url --actor-id --api --cacert
                if test $i -lt (count $words)
                    set -a where $w $words[(math $i + 1)]
                end
                set i (math $i + 1)
        end
        set i (math $i + 1)
    end
    $words[1] $where __complete $argv[1] (commandline -ct) 2>/dev/null
end

# The value of --data: @FILE completes file names after the '@'.
function __pjm_data_files
    set -l word (commandline -ct)
    string match -q -- '@*' $word; or return
    for f in (__fish_complete_path (string sub -s 2 -- $word))
        echo "@$f"
    end
end

complete -c pjm -f

# Global options, accepted before or after a command.
complete -c pjm -n 'not __pjm_dashdash' -s h -l help -d 'Print help and exit'
complete -c pjm -n 'not __pjm_dashdash' -l version -d 'Print the version and the modules found'
complete -c pjm -n 'not __pjm_dashdash' -l local -d 'Apply messages to the database instead of sending them'
complete -c pjm -n 'not __pjm_dashdash' -l json -d 'Print one JSON document on stdout'
complete -c pjm -n 'not __pjm_dashdash' -l template -x -d 'Print each result document through TEMPLATE ({uuid}, {state})'
complete -c pjm -n 'not __pjm_dashdash' -s q -l quiet -d 'Print nothing on stdout; the exit code tells'
complete -c pjm -n 'not __pjm_dashdash' -l dry-run -d 'Print the message and its target; send nothing'
complete -c pjm -n 'not __pjm_dashdash' -s v -l verbose -d 'Explain what pjm does on stderr'
complete -c pjm -n 'not __pjm_dashdash' -l sync -d 'Ask the manager to handle the message before replying'
complete -c pjm -n 'not __pjm_dashdash' -l wait -d 'Wait for the execution to complete'
complete -c pjm -n 'not __pjm_dashdash' -l wait-timeout -x -d 'Seconds --wait waits (default 60)'
complete -c pjm -n 'not __pjm_dashdash' -l no-outbox -d 'Exit 7 instead of queueing an undelivered message'
complete -c pjm -n 'not __pjm_dashdash' -l insecure -d 'Do not verify the manager\'s TLS certificate'
complete -c pjm -n 'not __pjm_dashdash' -l config -r -F -d 'Config file to read'
complete -c pjm -n 'not __pjm_dashdash' -l color -x -a 'auto always never' -d 'Colour human output (default auto)'
complete -c pjm -n 'not __pjm_dashdash' -l db -r -F -d 'SQLite file or postgresql:// URL'
complete -c pjm -n 'not __pjm_dashdash' -l url -x -d 'The manager\'s messages URL'
complete -c pjm -n 'not __pjm_dashdash' -l tenant-url -x -d 'Tenant base URL (with --actor-id)'
complete -c pjm -n 'not __pjm_dashdash' -l actor-id -x -d 'The manager\'s actor id'
complete -c pjm -n 'not __pjm_dashdash' -l bearer -x -d 'OAuth bearer token (prefer PJM_BEARER_TOKEN)'
complete -c pjm -n 'not __pjm_dashdash' -l nonce -x -d 'Abaco nonce (prefer PJM_NONCE)'
complete -c pjm -n 'not __pjm_dashdash' -l tapis-token -x -d 'Tapis v3 access token (prefer PJM_TAPIS_TOKEN)'
complete -c pjm -n 'not __pjm_dashdash' -l api -x -a 'v2 v3' -d "The manager's API (default: from --url, else v2)"
complete -c pjm -n 'not __pjm_dashdash' -l cacert -r -F -d 'CA bundle for the manager\'s certificate'
complete -c pjm -n 'not __pjm_dashdash' -l connect-timeout -x -d 'Seconds to wait for a connection'
complete -c pjm -n 'not __pjm_dashdash' -l timeout -x -d 'Seconds a request may take in all'
complete -c pjm -n 'not __pjm_dashdash' -l retries -x -d 'Attempts after the first before queueing'
complete -c pjm -n 'not __pjm_dashdash' -l retry-max-time -x -d 'Seconds all attempts may take'
complete -c pjm -n 'not __pjm_dashdash' -l outbox -x -a '(__fish_complete_directories)' -d 'Folder of undelivered messages'

# Commands.
complete -c pjm -n '__pjm_is ""' -a event -d 'Send an event to a job'
complete -c pjm -n '__pjm_is ""' -a delete -d 'Hide a job, or remove it with --force'
complete -c pjm -n '__pjm_is ""' -a create -d 'Create a job for a registered pipeline'
complete -c pjm -n '__pjm_is ""' -a status -d 'Show a job: state, fields and history'
complete -c pjm -n '__pjm_is ""' -a list -d 'List jobs'
complete -c pjm -n '__pjm_is ""' -a token -d 'Make or check admin and job tokens'
complete -c pjm -n '__pjm_is ""' -a pipeline -d 'Register and list pipelines'
complete -c pjm -n '__pjm_is ""' -a handle -d 'Apply a raw manager message'
complete -c pjm -n '__pjm_is ""' -a fsm -d 'Show the job lifecycle'
complete -c pjm -n '__pjm_is ""' -a schema -d 'Print a bundled JSON Schema'
complete -c pjm -n '__pjm_is ""' -a db -d 'Create or upgrade the database schema'
complete -c pjm -n '__pjm_is ""' -a outbox -d 'Messages not delivered yet'
complete -c pjm -n '__pjm_is ""' -a exec -d 'Run a command as the job: run, then finish or fail'
complete -c pjm -n '__pjm_is ""' -a serve -d 'Run a PipelineJobs manager over HTTP'
complete -c pjm -n '__pjm_is ""' -a export -d 'Write the whole job database as NDJSON'
complete -c pjm -n '__pjm_is ""' -a import -d 'Load a pjm export into the database'
complete -c pjm -n '__pjm_is ""' -a subscription -d 'Print a platform subscription that reports a job'

# pjm event NAME [UUID]
complete -c pjm -n '__pjm_is event 0' -a 'run update resource fail finish index indexed validate validated finalize reject retire reset ready'
complete -c pjm -n '__pjm_is event' -l token -x -d 'Job or admin token (default PJM_TOKEN)'
complete -c pjm -n '__pjm_is event' -l data -x -a '(__pjm_data_files)' -d 'JSON object, @file or -'
complete -c pjm -n '__pjm_is event' -l url-params -d 'Send uuid, name, token as URL parameters'
complete -c pjm -n '__pjm_is event' -l batch -r -F -d 'NDJSON file of event messages, or - for stdin'
complete -c pjm -n '__pjm_is event' -l fail-fast -d 'With --batch: stop at the first failing line'

# pjm delete [UUID]
complete -c pjm -n '__pjm_is delete' -l token -x -d 'Admin token (default PJM_TOKEN)'
complete -c pjm -n '__pjm_is delete' -l force -d 'Remove the job and its history for good'

# pjm create
complete -c pjm -n '__pjm_is create' -l pipeline -x -a '(__pjm_dynamic pipelines)' -d 'The pipeline: its UUID or name'
complete -c pjm -n '__pjm_is create' -l archive-path -x -d 'Where the outputs are archived'
complete -c pjm -n '__pjm_is create' -l archive-system -x -d 'Storage system of the archive'
complete -c pjm -n '__pjm_is create' -l data -x -a '(__pjm_data_files)' -d 'The run\'s parameters: JSON, @file or -'
complete -c pjm -n '__pjm_is create' -l session -x -d 'A correlation string'

# pjm status [UUID]
complete -c pjm -n '__pjm_is status' -l history -x -d 'History entries to show, newest last (default 100, at most 1000; 0 for none)'
complete -c pjm -n '__pjm_is status' -l before -x -d 'Show the page of history that ends below entry N (a page\'s history_start)'
complete -c pjm -n '__pjm_is status' -l execution -x -d 'Show a manager execution instead'
complete -c pjm -n '__pjm_is status' -s f -l follow -d 'Then show each new event until the job reaches a --until state'
complete -c pjm -n '__pjm_is status' -l until -x -a 'CREATED RUNNING FAILED FINISHED INDEXING VALIDATING VALIDATED REJECTED FINALIZED RETIRED RESET' -d 'A state that ends --follow'
complete -c pjm -n '__pjm_is status' -l interval -x -d 'Seconds between two reads with --follow'

# pjm list
complete -c pjm -n '__pjm_is list' -l state -x -a 'CREATED RUNNING FAILED FINISHED INDEXING VALIDATING VALIDATED REJECTED FINALIZED RETIRED RESET' -d 'Only jobs in this state'
complete -c pjm -n '__pjm_is list' -l cursor -x -d 'The page after this job: UPDATED,UUID'
complete -c pjm -n '__pjm_is list' -l since -x -d 'Only jobs updated at or after this RFC 3339 time'
complete -c pjm -n '__pjm_is list' -l until -x -d 'Only jobs updated before this RFC 3339 time'
complete -c pjm -n '__pjm_is list' -l pipeline -x -a '(__pjm_dynamic pipelines)' -d 'Only jobs of this pipeline'
complete -c pjm -n '__pjm_is list' -l limit -x -d 'At most this many jobs'
complete -c pjm -n '__pjm_is list' -l all -d 'Include deleted (hidden) jobs'

# pjm token admin|job|verify
complete -c pjm -n '__pjm_is token' -a admin -d 'Print an admin token'
complete -c pjm -n '__pjm_is token' -a job -d 'Print a job\'s own token (local mode)'
complete -c pjm -n '__pjm_is token' -a verify -d 'Check a token'
complete -c pjm -n '__pjm_is "token admin"' -l key -x -d 'Admin key (default PJM_ADMIN_KEY or pjm)'
complete -c pjm -n '__pjm_is "token admin"' -l lifetime -x -d 'Window length in seconds'
complete -c pjm -n '__pjm_is "token admin"' -l at -x -d 'Unix time to make the token for'
complete -c pjm -n '__pjm_is "token verify"' -l job -x -a '(__pjm_dynamic jobs)' -d 'Also accept it as this job\'s token'

# pjm pipeline add|list
complete -c pjm -n '__pjm_is pipeline' -a add -d 'Register a pipeline'
complete -c pjm -n '__pjm_is pipeline' -a list -d 'List registered pipelines'
complete -c pjm -n '__pjm_is "pipeline add"' -l name -x -d 'The pipeline\'s name'
complete -c pjm -n '__pjm_is "pipeline add"' -l uuid -x -d 'Its UUID (default: from the name)'
complete -c pjm -n '__pjm_is "pipeline add"' -l description -x -d 'What the pipeline does'

# pjm handle [FILE]
complete -c pjm -n '__pjm_is handle 0' -F
complete -c pjm -n '__pjm_is handle' -l query -x -d 'The URL\'s query string'

# pjm fsm, pjm schema KIND
complete -c pjm -n '__pjm_is fsm' -l dot -d 'Print a Graphviz digraph'
complete -c pjm -n '__pjm_is schema 0' -a 'event delete create agave tapis nextflow cromwell slurm cloudevents urlparams'

# pjm db init|migrate
complete -c pjm -n '__pjm_is db' -a init -d 'Create the database and its tables'
complete -c pjm -n '__pjm_is db' -a migrate -d 'Upgrade the schema to this pjm\'s version'
complete -c pjm -n '__pjm_is db' -a prune -d 'Delete executions older than a duration'
complete -c pjm -n '__pjm_is "db prune"' -l executions-older-than -x -d 'How old an execution is deleted (at least 7d)'

# pjm outbox list|show|flush|drop
complete -c pjm -n '__pjm_is outbox' -a list -d 'Show queued and refused messages'
complete -c pjm -n '__pjm_is outbox' -a show -d 'Show one queued message whole'
complete -c pjm -n '__pjm_is outbox' -a flush -d 'Deliver queued messages'
complete -c pjm -n '__pjm_is outbox' -a drop -d 'Delete messages for good'
complete -c pjm -n '__pjm_is "outbox flush"' -l url -x -d 'Send every message to this URL, pinned ones too'
complete -c pjm -n '__pjm_is "outbox flush"' -l job -x -a '(__pjm_dynamic jobs)' -d "Send only this job's messages"
complete -c pjm -n '__pjm_is "outbox drop"' -l job -x -a '(__pjm_dynamic jobs)' -d 'Every message of this job'
complete -c pjm -n '__pjm_is "outbox drop"' -l all -d 'Every message in the outbox'

# pjm exec [UUID] -- COMMAND [ARGS…]
complete -c pjm -n '__pjm_is exec; and not __pjm_dashdash' -l token -x -d 'The job\'s token (default PJM_TOKEN)'
complete -c pjm -n '__pjm_is exec; and not __pjm_dashdash' -l strict -d 'Do not start the command when run is refused for good'
complete -c pjm -n '__pjm_is exec; and __pjm_dashdash' -x -a '(__pjm_exec_command)'

# pjm serve
complete -c pjm -n '__pjm_is serve' -l listen -x -d 'ADDR:PORT to listen on (default 127.0.0.1:8080)'
complete -c pjm -n '__pjm_is serve' -l bearer-file -r -F -d 'File of accepted bearer tokens'
complete -c pjm -n '__pjm_is serve' -l nonce-file -r -F -d 'File of accepted nonces'
complete -c pjm -n '__pjm_is serve' -l no-auth -d 'Accept requests without credentials'
complete -c pjm -n '__pjm_is serve' -l max-body -x -d 'Largest accepted body in bytes (default 1 MiB)'
complete -c pjm -n '__pjm_is serve' -l threads -x -d 'Threads that handle requests'
complete -c pjm -n '__pjm_is serve' -l case -x -a 'snake camel both' -d 'Keys of Abaco results (default both)'
complete -c pjm -n '__pjm_is serve' -l tapis-token-file -r -F -d 'File of accepted X-Tapis-Token values'
complete -c pjm -n '__pjm_is serve' -l tapis-public-key -r -F -d "PEM file of the Tapis tenant's public key"
complete -c pjm -n '__pjm_is serve' -l keep-executions -x -d 'Delete executions older than this (at least 7d)'
complete -c pjm -n '__pjm_is serve' -l cloudevents-map -r -F -d 'JSON file mapping CloudEvent types to events'
complete -c pjm -n '__pjm_is serve' -l jobcomp-from -x -d 'Take Slurm job completion records from this IP address'
complete -c pjm -n '__pjm_is serve' -l admin-credential-file -r -F -d 'File of admin credentials: opens the admin routes'
complete -c pjm -n '__pjm_is serve' -l viewer-credential-file -r -F -d 'File of read-only credentials: open the read routes'
complete -c pjm -n '__pjm_is serve' -l no-ui -d 'Serve no dashboard at /ui/'
complete -c pjm -n '__pjm_is serve' -l tls-cert -r -F -d 'Serve HTTPS with this PEM certificate chain'
complete -c pjm -n '__pjm_is serve' -l tls-key -r -F -d 'The PEM private key of --tls-cert'
complete -c pjm -n '__pjm_is serve' -l tapis-tenant -x -d 'Accept Tapis JWTs of this tenant only'
complete -c pjm -n '__pjm_is serve' -l tapis-user -x -d 'Accept Tapis JWTs of this user only'

# pjm subscription [UUID]
complete -c pjm -n '__pjm_is subscription' -l platform -x -a 'tapis agave' -d 'Whose subscription to print (default tapis)'
complete -c pjm -n '__pjm_is subscription' -l events -x -a 'JOB_NEW_STATUS JOB_INPUT_TRANSACTION_ID JOB_ARCHIVE_TRANSACTION_ID JOB_SUBSCRIPTION JOB_SHARE_EVENT JOB_ERROR_MESSAGE JOB_USER_EVENT ALL' -d 'Tapis v3: the job event category to report'
complete -c pjm -n '__pjm_is subscription' -l ttl-minutes -x -d 'Tapis v3: how long the subscription lasts (default 40320)'
complete -c pjm -n '__pjm_is subscription' -l token -x -d "The job's token (default PJM_TOKEN)"

# pjm export / pjm import
complete -c pjm -n '__pjm_is export' -l format -x -a 'ndjson ro-crate prov-json' -d 'What to write'
complete -c pjm -n '__pjm_is export' -s o -l output -r -F -d 'File to write; ro-crate: a folder or a .zip; default stdout'
complete -c pjm -n '__pjm_is export' -l force -d 'Replace the --output file if it exists'
complete -c pjm -n '__pjm_is import' -l keep-settings -d "Keep the database's own settings"
complete -c pjm -n '__pjm_is import' -l from -x -a 'pjm datacatalog' -d 'What the files are'
complete -c pjm -n '__pjm_is import' -l dry-run -d 'Report what would be imported; write nothing'
complete -c pjm -n '__pjm_is import' -l skip-invalid -d 'Import the documents that can be'
complete -c pjm -n '__pjm_is import' -l aside -r -F -d 'NDJSON file for fields pjm has no column for'
complete -c pjm -n '__pjm_is import' -F -d 'The export to read, or - for stdin'

# Job UUIDs, pipeline names and outbox ids where a command takes one (from pjm __complete).
complete -c pjm -n '__pjm_is event 1; or __pjm_is status 0; or __pjm_is delete 0; or __pjm_is exec 0; or __pjm_is subscription 0; or __pjm_is "token job" 0; or __pjm_is export' -a '(__pjm_dynamic jobs)'
complete -c pjm -n '__pjm_is "outbox show" 0; or __pjm_is "outbox drop" 0' -a '(__pjm_dynamic outbox)'
