# Asks the shell completions in completions/ what they offer for partial command lines, the way
# each shell would ask them when TAB is pressed. Sourced by the completion and docs-sync tests.
#
#   ask_completions SHELL QUERIES OUT
#
# QUERIES holds one query a line, "LABEL<TAB>partial command line" (words split at spaces; a
# trailing space starts a new, empty word). OUT receives, for each query, a line "@@LABEL" and
# then one candidate a line.
COMPLETIONS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../completions" && pwd)

ask_completions() {
    case $1 in
    bash) ask_bash "$2" >"$3" ;;
    fish) ask_fish "$2" >"$3" ;;
    zsh) ask_zsh "$2" "$3" ;;
    esac
}

# bash: source pjm.bash, set COMP_WORDS/COMP_CWORD as readline would, call _pjm, print COMPREPLY.
ask_bash() {
    bash --norc --noprofile -c '
        source "$1/pjm.bash" || exit 1
        while IFS=$'"'\t'"' read -r label line; do
            read -ra COMP_WORDS <<<"$line"
            [[ $line == *" " ]] && COMP_WORDS+=("")
            COMP_CWORD=$((${#COMP_WORDS[@]} - 1)) COMP_LINE=$line COMP_POINT=${#line}
            COMPREPLY=()
            _pjm pjm "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
            echo "@@$label"
            ((${#COMPREPLY[@]} == 0)) || printf "%s\n" "${COMPREPLY[@]}"
        done <"$2"' ask_bash "$COMPLETIONS_DIR" "$1"
}

# fish: `complete -C` prints "candidate<TAB>description" lines.
ask_fish() {
    fish --no-config -c '
        source $argv[1]/pjm.fish; or exit 1
        while read -l -d \t label line
            echo "@@$label"
            complete -C "$line" | string replace -r "\t.*" ""
        end <$argv[2]' "$COMPLETIONS_DIR" "$1"
}

# zsh: see ask_zsh.zsh.
ask_zsh() {
    : >"$2"
    timeout 60 zsh -f "$(dirname "${BASH_SOURCE[0]}")/ask_zsh.zsh" "$COMPLETIONS_DIR" "$2" "$1"
}

# answer LABEL OUT: the answer to query LABEL, on one line, sorted.
answer() {
    awk -v k="@@$1" '/^@@/ { inside = ($0 == k); next } inside && $0 != ""' "$2" | sort | tr '\n' ' ' |
        sed 's/ $//'
}
