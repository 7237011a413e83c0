/**
 * The fish script: a helper names the sub-command typed so far (the same walk as bash's), and
 * each completion is offered only under its own sub-command.
 */
import { quoted, type CompletionNode, type CompletionTree } from './tree.js'

function flagLine(node: CompletionNode, flag: string, valueFlags: Set<string>): string {
  const spelled = flag.startsWith('--') ? `-l ${flag.slice(2)}` : `-s ${flag.slice(1)}`
  // A flag that takes a value offers files after it (--data @file, --db PATH).
  const value = valueFlags.has(flag) ? ' -r -F' : ''
  return `complete -c zoho-auth -n ${quoted(`__zoho_auth_at ${quoted(node.path)}`)} ${spelled}${value}`
}

export function fishScript(tree: CompletionTree): string {
  const valueFlags = new Set(tree.valueFlags)
  const lines: string[] = []
  for (const node of tree.nodes) {
    const at = quoted(`__zoho_auth_at ${quoted(node.path)}`)
    for (const c of node.children) {
      const description = c.summary ? ` -d ${quoted(c.summary)}` : ''
      lines.push(`complete -c zoho-auth -n ${at} -a ${quoted(c.word)}${description}`)
    }
    for (const flag of node.flags) lines.push(flagLine(node, flag, valueFlags))
  }
  for (const [flag, values] of Object.entries(tree.flagValues)) {
    const spelled = flag.startsWith('--') ? `-l ${flag.slice(2)}` : `-s ${flag.slice(1)}`
    lines.push(`complete -c zoho-auth ${spelled} -x -a ${quoted(values.join(' '))}`)
  }
  const paths = tree.nodes.filter((n) => n.path !== '').map((n) => quoted(n.path))
  return `# zoho-auth completion for fish. Load it with
#   zoho-auth completion fish | source
# or save it as ~/.config/fish/completions/zoho-auth.fish
function __zoho_auth_path
    set -l words (commandline -opc)
    set -e words[1]
    set -l path ''
    set -l skip 0
    for word in $words
        if test $skip = 1
            set skip 0
            continue
        end
        if test "$word" = --
            # exec's program follows (echo would take -- as its own).
            printf '%s\n' --
            return
        end
        if contains -- $word ${tree.valueFlags.join(' ')}
            set skip 1
            continue
        end
        if contains -- "$path/$word" ${paths.join(' ')}
            set path "$path/$word"
        end
    end
    echo $path
end
function __zoho_auth_at
    test (__zoho_auth_path) = "$argv[1]"
end
complete -c zoho-auth -f
complete -c zoho-auth -n '__zoho_auth_at --' -F
${lines.join('\n')}
`
}
