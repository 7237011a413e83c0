/**
 * The bash script: walks the words typed so far to the deepest known sub-command, then offers
 * its sub-commands, or its flags once a `-` is typed. Anything else (a PATH, a file after
 * --data, exec's program after --) falls back to bash's own completion.
 */
import type { CompletionTree } from './tree.js'

export function bashScript(tree: CompletionTree): string {
  const paths = tree.nodes.filter((n) => n.path !== '').map((n) => n.path)
  const childCases = tree.nodes
    .filter((n) => n.children.length > 0)
    .map((n) => `    '${n.path}') words='${n.children.map((c) => c.word).join(' ')}' ;;`)
  const flagCases = tree.nodes.map((n) => `    '${n.path}') words='${n.flags.join(' ')}' ;;`)
  const valueCases = Object.entries(tree.flagValues).map(
    ([flag, values]) =>
      `    ${flag}) COMPREPLY=($(compgen -W '${values.join(' ')}' -- "$cur")); return 0 ;;`,
  )
  return `# zoho-auth completion for bash. Load it with
#   source <(zoho-auth completion bash)
# or save it as ~/.local/share/bash-completion/completions/zoho-auth
_zoho_auth() {
  local cur=\${COMP_WORDS[COMP_CWORD]} prev=\${COMP_WORDS[COMP_CWORD-1]} path= word words= i
  for ((i = 1; i < COMP_CWORD; i++)); do
    word=\${COMP_WORDS[i]}
    # After --, the words are exec's program's: let bash complete them.
    [[ $word == -- ]] && return 0
    case $word in
      ${tree.valueFlags.join('|')}) ((i++)); continue ;;
    esac
    case "$path/$word" in
      ${paths.join('|')}) path=$path/$word ;;
    esac
  done
  case $prev in
${valueCases.join('\n')}
    ${tree.valueFlags.join('|')}) return 0 ;;
  esac
  if [[ $cur == -* ]]; then
    case $path in
${flagCases.join('\n')}
    esac
  else
    case $path in
${childCases.join('\n')}
    esac
  fi
  [[ -n $words ]] && COMPREPLY=($(compgen -W "$words" -- "$cur"))
  return 0
}
complete -o default -F _zoho_auth zoho-auth
`
}
