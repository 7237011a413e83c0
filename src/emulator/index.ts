/**
 * `zoho-auth/emulator`: an offline Zoho — the accounts servers of all nine data centres and a
 * slice of the CRM API — for tests, benchmarks and the sandbox mode.
 */
export { createEmulator } from './app.js'
export type { Emulator, EmulatorOptions } from './app.js'
export { startEmulator } from './server.js'
export type { RunningEmulator } from './server.js'
export { DEFAULT_SETTINGS } from './settings.js'
export type { EmulatorSettings } from './settings.js'
export type { EmulatorStats, StatsCounts } from './stats.js'
export { DCS } from './dcs.js'
export type { Dc } from './dcs.js'
export { DEMO_REDIRECT_URI } from './demo.js'
export type { DemoData } from './demo.js'
