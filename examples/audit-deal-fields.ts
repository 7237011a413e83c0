/**
 * Audits the Deals fields a script relies on, and with --fix adds the missing custom field.
 * Needs a connection first: `zoho-auth exchange --code …` (or `zoho-auth import`).
 * Run it with any TypeScript runner, e.g. `npx tsx examples/audit-deal-fields.ts --fix`.
 */
import { auditFields, connectZoho, ensureField } from 'zoho-auth'

const zoho = await connectZoho() // the CLI's .env, store and key; the default connection
try {
  const { missing } = await auditFields(zoho.client, 'Deals', [
    'Deal_Name',
    'Amount',
    'StrategicPartnerId',
  ])
  for (const name of missing) console.log(`Deals is missing ${name}`)
  if (missing.includes('StrategicPartnerId') && process.argv.includes('--fix')) {
    const { status } = await ensureField(zoho.client, 'Deals', {
      label: 'StrategicPartnerId',
      type: 'text',
    })
    console.log(`StrategicPartnerId: ${status}`)
  } else if (missing.length > 0) process.exitCode = 1
} finally {
  await zoho.close()
}
