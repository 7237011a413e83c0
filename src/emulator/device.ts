/**
 * The device flow's approval step, shared by the verification page and the control API.
 */
import type { EmulatorContext } from './context.js'
import type { DeviceCode } from './state.js'

export type DeviceDecision = 'approve' | 'deny'

export function decideDevice(
  ctx: EmulatorContext,
  input: { userCode: string; email: string; decision: DeviceDecision },
): { ok: true; device: DeviceCode } | { ok: false; message: string } {
  const device = ctx.state.deviceCodeByUserCode(input.userCode)
  if (!device) return { ok: false, message: 'unknown user_code' }
  if (device.expiresAt <= ctx.clock.now()) return { ok: false, message: 'user_code has expired' }
  if (device.decision !== 'pending') return { ok: false, message: 'user_code was already used' }
  const user = ctx.state.userByEmail(input.email)
  if (!user) return { ok: false, message: `no user with email "${input.email}"` }
  device.decision = input.decision === 'approve' ? 'approved' : 'denied'
  device.zuid = user.zuid
  return { ok: true, device }
}
