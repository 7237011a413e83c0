/**
 * The zsh script: the same walk as bash's, with each command's summary shown beside it. It works
 * sourced (it calls compdef) and as an autoloaded `_zoho-auth` file in $fpath (#compdef line).
 */
import { quoted, type CompletionTree } from './tree.js'

export function zshScript(tree: CompletionTree): string {
  const paths = tree.nodes.filter((n) => n.path !== '').map((n) => n.path)
  const commands = tree.root.children.map((c) => `    ${quoted(`${c.word}:${c.summary}`)}`)
  const childCases = tree.nodes
    .filter((n) => n.children.length > 0 && n.path !== '')
    .map((n) => `      ${quoted(n.path)}) values=(${n.children.map((c) => c.word).join(' ')}) ;;`)
  const flagCases = tree.nodes.map(
    (n) => `      ${quoted(n.path)}) values=(${n.flags.join(' ')}) ;;`,
  )
  const valueCases = Object.entries(tree.flagValues).map(
    ([flag, values]) => `    (${flag}) compadd -- ${values.join(' ')}; return ;;`,
  )
  return `#compdef zoho-auth
# zoho-auth completion for zsh. Load it with
#   source <(zoho-auth completion zsh)
# or save it as _zoho-auth in a directory of $fpath (before compinit runs)
_zoho_auth() {
  local cmdpath= word cur=\${words[CURRENT]} prev=\${words[CURRENT-1]}
  local -a values
  local -i i
  for ((i = 2; i < CURRENT; i++)); do
    word=\${words[i]}
    if [[ $word == -- ]]; then
      # exec -- COMMAND …: complete as if COMMAND were typed on its own.
      shift $i words
      (( CURRENT -= i ))
      _normal
      return
    fi
    case $word in
      (${tree.valueFlags.join('|')}) (( i++ )); continue ;;
    esac
    case "$cmdpath/$word" in
      (${paths.join('|')}) cmdpath=$cmdpath/$word ;;
    esac
  done
  case $prev in
${valueCases.join('\n')}
    (${tree.valueFlags.join('|')}) _files; return ;;
  esac
  if [[ $cur == -* ]]; then
    case $cmdpath in
${flagCases.join('\n')}
    esac
  elif [[ -z $cmdpath ]]; then
    local -a described=(
${commands.join('\n')}
    )
    _describe 'zoho-auth command' described
    return
  else
    case $cmdpath in
${childCases.join('\n')}
    esac
  fi
  if (( \${#values} )); then compadd -- $values; else _files; fi
}
if [[ \${zsh_eval_context[-1]} == loadautofunc ]]; then
  _zoho_auth "$@"
else
  compdef _zoho_auth zoho-auth
fi
`
}
