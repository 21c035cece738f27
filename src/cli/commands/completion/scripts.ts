export const SHELLS = ["bash", "zsh", "fish"] as const;
export type Shell = (typeof SHELLS)[number];

/*
 * Each script asks the program itself what fits (`sinch-ticket __complete <words...>`),
 * so completion always follows the command definitions that parse the command line. The
 * answer is one candidate per line (`value<TAB>description`), or `:files` when the shell
 * should offer file names.
 */

const BASH = `# bash completion for sinch-ticket
_sinch_ticket() {
  local cur words cword
  if declare -F _get_comp_words_by_ref >/dev/null; then
    _get_comp_words_by_ref -n =: cur words cword
  else
    words=("\${COMP_WORDS[@]}"); cword=$COMP_CWORD; cur=\${COMP_WORDS[COMP_CWORD]}
  fi
  local IFS=$'\\n' out
  out=$(sinch-ticket __complete "\${words[@]:1:cword}" 2>/dev/null) || return 0
  if [[ $out == ":files" ]]; then
    compopt -o filenames 2>/dev/null
    COMPREPLY=($(compgen -f -- "$cur"))
  else
    COMPREPLY=($(compgen -W "$(printf '%s\\n' "$out" | cut -f1)" -- "$cur"))
  fi
  if declare -F __ltrim_colon_completions >/dev/null; then __ltrim_colon_completions "$cur"; fi
}
complete -F _sinch_ticket sinch-ticket
`;

const ZSH = `#compdef sinch-ticket
# zsh completion for sinch-ticket
_sinch_ticket() {
  local -a lines candidates
  local line value
  lines=("\${(@f)$(sinch-ticket __complete "\${(@)words[2,CURRENT]}" 2>/dev/null)}")
  if [[ "\${lines[1]}" == ":files" ]]; then
    _files
    return
  fi
  for line in "\${lines[@]}"; do
    [[ -z "$line" ]] && continue
    value=\${line%%$'\\t'*}
    if [[ "$line" == *$'\\t'* ]]; then
      candidates+=("\${value//:/\\\\:}:\${line#*$'\\t'}")
    else
      candidates+=("\${value//:/\\\\:}")
    fi
  done
  _describe -t values 'sinch-ticket' candidates
}
if [[ "\${funcstack[1]}" == "_sinch_ticket" ]]; then
  _sinch_ticket "$@"
else
  compdef _sinch_ticket sinch-ticket
fi
`;

const FISH = `# fish completion for sinch-ticket
function __sinch_ticket_complete
    set -l words (commandline -opc)[2..-1] (commandline -ct)
    set -l out (sinch-ticket __complete $words 2>/dev/null)
    if test "$out[1]" = ":files"
        __fish_complete_path (commandline -ct)
        return
    end
    printf '%s\\n' $out
end
complete -c sinch-ticket -f -a '(__sinch_ticket_complete)'
`;

export function completionScript(shell: Shell): string {
  return { bash: BASH, zsh: ZSH, fish: FISH }[shell];
}
