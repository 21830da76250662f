// The scale bench's markdown: the machine, the sizes and seed timings, then every measure side by
// side with the ratio big/small against the 1.2× target (latencies only; other rows are context).
import os from 'node:os'
import type { SeedTimings } from './seed.ts'

export const RATIO_TARGET = 1.2

export interface Row {
  name: string
  unit: string
  small: number
  big: number
  /** 'latency': held to the 1.2× target; 'info': shown for context. */
  kind: 'latency' | 'info'
}

export interface ReportInput {
  startedAt: Date
  finishedAt: Date
  loadBefore: number[]
  loadAfter: number[]
  sizes: { label: string; jobs: number; executions: number; seed?: SeedTimings }[]
  samples: number
  rows: Row[]
  notes: string[]
}

const fmt = (value: number) =>
  Number.isNaN(value)
    ? '–'
    : Math.abs(value) >= 100 || Number.isInteger(value)
      ? Math.round(value).toLocaleString('en')
      : Math.abs(value) < 1
        ? value.toFixed(3)
        : value.toFixed(1)

export function renderReport(r: ReportInput): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU'
  const lines = [
    `# Scale bench (${r.startedAt.toISOString()} → ${r.finishedAt.toISOString()})`,
    '',
    `Machine: ${os.cpus().length} × ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}; PostgreSQL on the same host. Load average before ${r.loadBefore.map((l) => l.toFixed(2)).join(' ')}, after ${r.loadAfter.map((l) => l.toFixed(2)).join(' ')}.`,
    `Read measures: ${r.samples} requests each, one at a time, alternating between the two servers in blocks of 20.`,
    '',
    '| database | jobs | executions | seeded in |',
    '|---|---:|---:|---:|',
    ...r.sizes.map(
      (s) =>
        `| ${s.label} | ${(s.seed?.rows.jobs ?? s.jobs).toLocaleString('en')} | ${(s.seed?.rows.executions ?? s.executions).toLocaleString('en')} | ${s.seed ? `${s.seed.total.toFixed(0)} s` : '–'} |`,
    ),
    '',
  ]
  const big = r.sizes.find((s) => s.label === 'big')
  if (big?.seed) {
    lines.push(
      `Seed steps (big): ${big.seed.steps.map(([label, s]) => `${label} ${s.toFixed(1)} s`).join('; ')}.`,
      '',
    )
  }
  lines.push(
    `| measure | small | big | big/small | ≤ ${RATIO_TARGET}× |`,
    '|---|---:|---:|---:|:---:|',
  )
  for (const row of r.rows) {
    const ratio = row.big / row.small
    const verdict =
      row.kind === 'info' || Number.isNaN(ratio) ? '' : ratio <= RATIO_TARGET ? 'yes' : '**no**'
    const unit = row.unit ? ` (${row.unit})` : ''
    lines.push(
      `| ${row.name}${unit} | ${fmt(row.small)} | ${fmt(row.big)} | ${Number.isFinite(ratio) ? `${ratio.toFixed(2)}×` : '–'} | ${verdict} |`,
    )
  }
  if (r.notes.length > 0) lines.push('', ...r.notes.map((n) => `- ${n}`))
  lines.push('')
  return lines.join('\n')
}
