export * from './data-centers.js'
export * from './errors.js'
export { redact, maskToken } from './redact.js'
