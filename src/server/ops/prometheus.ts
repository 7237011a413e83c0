/**
 * Prometheus text exposition format 0.0.4: `# HELP` and `# TYPE` per family, then one sample per
 * line. Label values escape `\`, `"` and newline; HELP text escapes `\` and newline.
 *
 * @see https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format
 */

/** The content type of the format. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8'

export type Labels = Record<string, string>

/** One metric family: its samples as `[labels, value]`, with a suffix for histogram series. */
export interface MetricFamily {
  name: string
  help: string
  type: 'counter' | 'gauge' | 'histogram'
  samples: Array<{ suffix?: string; labels: Labels; value: number }>
}

export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')
}

export function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN'
  if (value === Infinity) return '+Inf'
  if (value === -Infinity) return '-Inf'
  return String(value)
}

function formatLabels(labels: Labels): string {
  const pairs = Object.entries(labels).map(
    ([name, value]) => `${name}="${escapeLabelValue(value)}"`,
  )
  return pairs.length === 0 ? '' : `{${pairs.join(',')}}`
}

/** The families as one exposition, ending with a newline. */
export function renderFamilies(families: readonly MetricFamily[]): string {
  const lines: string[] = []
  for (const family of families) {
    lines.push(`# HELP ${family.name} ${escapeHelp(family.help)}`)
    lines.push(`# TYPE ${family.name} ${family.type}`)
    for (const sample of family.samples) {
      lines.push(
        `${family.name}${sample.suffix ?? ''}${formatLabels(sample.labels)} ${formatValue(sample.value)}`,
      )
    }
  }
  return `${lines.join('\n')}\n`
}

/** A counter keyed by the values of its labels. */
export class LabelledCounter {
  private readonly values = new Map<string, { labels: Labels; value: number }>()

  constructor(
    readonly name: string,
    readonly help: string,
    /** Label sets shown as 0 before anything is counted, so a rate() has a start. */
    initial: readonly Labels[] = [],
  ) {
    for (const labels of initial) this.inc(labels, 0)
  }

  inc(labels: Labels, by = 1): void {
    const key = JSON.stringify(labels)
    const entry = this.values.get(key)
    if (entry === undefined) this.values.set(key, { labels, value: by })
    else entry.value += by
  }

  get(labels: Labels): number {
    return this.values.get(JSON.stringify(labels))?.value ?? 0
  }

  family(): MetricFamily {
    return {
      name: this.name,
      help: this.help,
      type: 'counter',
      samples: [...this.values.values()].map(({ labels, value }) => ({ labels, value })),
    }
  }
}

/** A histogram of seconds with fixed upper bounds (cumulative buckets, `_sum`, `_count`). */
export class Histogram {
  private readonly counts: number[]
  private sum = 0
  private count = 0

  constructor(
    readonly name: string,
    readonly help: string,
    readonly bounds: readonly number[],
  ) {
    this.counts = bounds.map(() => 0)
  }

  observe(value: number): void {
    this.sum += value
    this.count += 1
    const index = this.bounds.findIndex((bound) => value <= bound)
    if (index !== -1) this.counts[index] = (this.counts[index] ?? 0) + 1
  }

  family(): MetricFamily {
    let cumulative = 0
    const samples: MetricFamily['samples'] = this.bounds.map((bound, index) => {
      cumulative += this.counts[index] ?? 0
      return { suffix: '_bucket', labels: { le: formatValue(bound) }, value: cumulative }
    })
    samples.push({ suffix: '_bucket', labels: { le: '+Inf' }, value: this.count })
    samples.push({ suffix: '_sum', labels: {}, value: this.sum })
    samples.push({ suffix: '_count', labels: {}, value: this.count })
    return { name: this.name, help: this.help, type: 'histogram', samples }
  }
}
