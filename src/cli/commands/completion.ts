import { UsageError, type Command } from '../command.js'
import { bashScript } from '../completion/bash.js'
import { fishScript } from '../completion/fish.js'
import { completionTree, type CompletionTree } from '../completion/tree.js'
import { zshScript } from '../completion/zsh.js'
import { commands } from './index.js'

const SCRIPTS: Record<string, (tree: CompletionTree) => string> = {
  bash: bashScript,
  zsh: zshScript,
  fish: fishScript,
}

/** `zoho-auth completion SHELL`: a completion script built from the commands' own flags. */
export const completionCommand: Command = {
  name: 'completion',
  usage: `Usage: zoho-auth completion bash|zsh|fish

Prints a completion script for the shell: command names, sub-commands and flags.
  bash   source <(zoho-auth completion bash)            in ~/.bashrc
  zsh    source <(zoho-auth completion zsh)             in ~/.zshrc, after compinit
  fish   zoho-auth completion fish | source             in ~/.config/fish/config.fish
Or save the output where the shell loads completions from (each script says where).`,
  async run(ctx) {
    const [shell, ...extra] = ctx.argv
    const script = shell === undefined ? undefined : SCRIPTS[shell]
    if (script === undefined || extra.length > 0) {
      throw new UsageError(
        shell === undefined
          ? 'name the shell: bash, zsh or fish'
          : `no completion for "${[shell, ...extra].join(' ')}" (bash, zsh or fish)`,
      )
    }
    ctx.stdout.write(script(await completionTree(commands)))
    return 0
  },
}
