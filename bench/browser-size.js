// The size of zoho-auth/browser as a page pays for it: the module and everything it imports,
// bundled and minified by esbuild, then gzipped (level 9). The budget is 5 kB.
// Alone: `node bench/browser-size.js` prints the bytes; bench/run.js adds the row to the report.
import { gzipSync } from 'node:zlib'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
export const BROWSER_BUDGET_BYTES = 5000

async function measure(entry) {
  const { build } = await import('esbuild')
  const result = await build({
    ...entry,
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    platform: 'browser',
    write: false,
    logLevel: 'silent',
  })
  const code = result.outputFiles[0].contents
  return { minified: code.byteLength, gzipped: gzipSync(code, { level: 9 }).byteLength }
}

// What a page that uses one mode pays once its bundler drops the other (both are side-effect free).
const onlyExport = (name) => ({
  stdin: { contents: `export { ${name} } from './src/browser/index.ts'`, resolveDir: root },
})

/**
 * { minified, gzipped, budget } in bytes for src/browser/index.ts (the whole module), and
 * `modes`: the same for a page importing only direct mode or only broker-backed mode.
 */
export async function browserSize() {
  const whole = await measure({ entryPoints: [join(root, 'src', 'browser', 'index.ts')] })
  return {
    ...whole,
    budget: BROWSER_BUDGET_BYTES,
    modes: {
      direct: await measure(onlyExport('createZohoBrowserAuth')),
      broker: await measure(onlyExport('createBrokerClient')),
    },
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const size = await browserSize()
  console.log(
    `zoho-auth/browser: ${size.minified} bytes minified, ${size.gzipped} bytes minified+gzipped (budget ${size.budget}); direct mode alone ${size.modes.direct.gzipped}, broker-backed alone ${size.modes.broker.gzipped}`,
  )
  if (size.gzipped >= size.budget) process.exitCode = 1
}
