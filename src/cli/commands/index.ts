import type { Command } from '../command.js'
import { connectionsCommand } from './connections.js'
import { doctorCommand } from './doctor.js'
import { emulatorCommand } from './emulator.js'
import { exchangeCommand } from './exchange.js'
import { importCommand } from './import.js'
import { keysCommand } from './keys.js'
import { loginCommand } from './login.js'
import { revokeCommand } from './revoke.js'
import { tokenCommand } from './token.js'

/** Every command, in the order `--help` lists them. */
export const commands: Command[] = [
  loginCommand,
  exchangeCommand,
  importCommand,
  tokenCommand,
  connectionsCommand,
  revokeCommand,
  keysCommand,
  doctorCommand,
  emulatorCommand,
]
