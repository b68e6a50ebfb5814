# zsh -f ask_zsh.zsh COMPLETIONS-DIR OUT QUERIES: see completion_lib.sh.
# zsh offers completion only inside its line editor, so this runs an interactive zsh on a
# pseudo-terminal (zpty), types each line and TAB, and records what _pjm hands to compadd.
zmodload zsh/zpty || exit 1
zpty z zsh -f -i
zpty -w z "PROMPT= RPROMPT=; unsetopt AUTO_LIST AUTO_MENU BEEP; fpath=(${(q)1} \$fpath)"
zpty -w z "autoload -U compinit && compinit -u -D; ZOUT=${(q)2}"
zpty -w z 'compadd() {
  if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then builtin compadd "$@"; return; fi
  local -a hits; builtin compadd -A hits "$@"
  (( $#hits == 0 )) || print -rl -- $hits >>$ZOUT
  builtin compadd "$@"
}'
integer n=0
local label line reply
while IFS=$'\t' read -r label line; do
  (( n++ ))
  zpty -w z "print -r -- ${(q):-@@$label} >>\$ZOUT"
  zpty -wn z "$line"$'\t\C-a\C-k\n'
  # Wait for this line to be done, so that the terminal never fills up: the echo of the
  # command shows "Z<$(( n ))>", only its output shows "Z<n>".
  zpty -w z "print -r -- Z\"<\$(( $n ))>\""
  zpty -r z reply "*Z<$n>*" || exit 1
done <$3
zpty -d z
