/**
 * What shell completion offers, read from the commands themselves (their parseArgs options and
 * sub-commands), so a flag added to a command is completed without touching the scripts.
 */
import { DATA_CENTER_LOCATIONS } from '../../protocol/data-centers.js'
import type { FlagOptions } from '../command.js'
import type { CommandEntry } from '../commands/index.js'

export interface CompletionNode {
  /** Words from the top, joined by "/": "" for `zoho-auth`, "/crm/leads/create". */
  path: string
  word: string
  summary: string
  /** `--data`, `-d`, …, always `--help`. */
  flags: string[]
  children: CompletionNode[]
}

export interface CompletionTree {
  root: CompletionNode
  /** Flags that take a value: the next word is that value, not a sub-command. */
  valueFlags: string[]
  /** Values worth offering after a flag. */
  flagValues: Record<string, readonly string[]>
  /** Every node, parents before children. */
  nodes: CompletionNode[]
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']

function node(path: string, word: string, summary = ''): CompletionNode {
  return { path, word, summary, flags: ['--help'], children: [] }
}

function addFlags(target: CompletionNode, options: FlagOptions, valueFlags: Set<string>): void {
  for (const [name, option] of Object.entries(options)) {
    const spellings = [`--${name}`, ...(option.short ? [`-${option.short}`] : [])]
    target.flags.push(...spellings)
    if (option.type === 'string') spellings.forEach((flag) => valueFlags.add(flag))
  }
}

function child(parent: CompletionNode, word: string, summary = ''): CompletionNode {
  let found = parent.children.find((c) => c.word === word)
  if (!found) {
    found = node(`${parent.path}/${word}`, word, summary)
    parent.children.push(found)
  }
  return found
}

/** Loads every command (completion is the one command that needs them all) and maps them. */
export async function completionTree(entries: readonly CommandEntry[]): Promise<CompletionTree> {
  const root = node('', '')
  root.flags.push('--version')
  const valueFlags = new Set<string>()
  for (const entry of entries) {
    const command = await entry.load()
    const top = child(root, entry.name, entry.summary)
    if (command.options) addFlags(top, command.options, valueFlags)
    for (const [words, options] of Object.entries(command.subcommands ?? {})) {
      let target = top
      for (const word of words.split(' ')) target = child(target, word)
      addFlags(target, options, valueFlags)
    }
    if (entry.name === 'completion') {
      for (const shell of ['bash', 'zsh', 'fish']) child(top, shell)
    }
  }
  const nodes: CompletionNode[] = []
  const walk = (n: CompletionNode): void => {
    n.flags = [...new Set(n.flags)]
    nodes.push(n)
    n.children.forEach(walk)
  }
  walk(root)
  return {
    root,
    valueFlags: [...valueFlags].sort(),
    flagValues: { '--dc': DATA_CENTER_LOCATIONS, '--method': METHODS, '-X': METHODS },
    nodes,
  }
}

/** A word inside single quotes, for sh, zsh and fish alike ('it'\''s'). */
export function quoted(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`
}
