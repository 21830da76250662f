// Paired A/B of two versions of the code (not part of npm run bench): is checkout B cheaper than A?
//
// compare.ts alternates settings inside one process; a code change needs a process per version. This
// runs bench/investigate.ts in each checkout in turn, A B then B A, pair after pair, so the machine's
// drift falls on both alike, and reports each version's medians and the median of the paired ratios
// (with their range: the noise) for CPU per occurrence, which a shared machine disturbs less than
// wall time:
//   BENCH_CHECKOUTS='{"plain":"/work/a","lists":"/work/b"}' BENCH_PAIRS=8 npx tsx bench/paired-checkouts.ts
// Each checkout needs its node_modules and the same bench/ files. Other BENCH_* variables pass through.
import { spawn } from 'node:child_process'
import { median, round } from './stats.ts'

const PAIRS = Number(process.env.BENCH_PAIRS ?? 6)

interface Drain {
  /** Main-thread CPU per occurrence, µs. */
  mainUs: number
  /** CPU of the bench database's own Postgres backends per occurrence, µs. */
  postgresUs: number
  perSecond: number
}

function parseCheckouts(): [string, string][] {
  const text = process.env.BENCH_CHECKOUTS
  if (!text) throw new Error('Set BENCH_CHECKOUTS, e.g. {"a":"/path/one","b":"/path/two"}')
  const entries = Object.entries(JSON.parse(text) as Record<string, string>)
  if (entries.length !== 2) throw new Error('BENCH_CHECKOUTS needs exactly two checkouts')
  return entries
}

function investigate(dir: string): Promise<Drain> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/investigate.ts'], {
      cwd: dir,
      env: process.env,
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    let out = ''
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString()
    })
    child.on('error', reject)
    child.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('{'))
      if (code !== 0 || !line) return reject(new Error(`investigate.ts in ${dir} exited ${code}`))
      const report = JSON.parse(line) as Record<string, number>
      resolve({
        mainUs: Number(report.main_thread_us_per_occurrence),
        postgresUs: Number(report.postgres_own_us_per_occurrence),
        perSecond: Number(report.per_second_from_due),
      })
    })
  })
}

function describe(name: string, drains: Drain[], base: Drain[], baseName: string): string {
  const ratio = (pick: (d: Drain) => number) => {
    const ratios = drains.map((d, i) => pick(d) / pick(base[i] as Drain))
    return `×${round(median(ratios), 3)} (${round(Math.min(...ratios), 2)}–${round(Math.max(...ratios), 2)})`
  }
  const total = (d: Drain) => d.mainUs + d.postgresUs
  return [
    `${name}: main thread ${round(median(drains.map((d) => d.mainUs)), 1)} µs/occurrence, own Postgres ${round(median(drains.map((d) => d.postgresUs)), 1)}, together ${round(median(drains.map(total)), 1)}, ${round(median(drains.map((d) => d.perSecond)), 0)}/s from due`,
    `  vs ${baseName} (paired): main ${ratio((d) => d.mainUs)}, Postgres ${ratio((d) => d.postgresUs)}, together ${ratio(total)}, rate ${ratio((d) => d.perSecond)}`,
    `  drains: ${drains.map((d) => `${round(d.mainUs, 0)}+${round(d.postgresUs, 0)}`).join(', ')}`,
  ].join('\n')
}

async function main() {
  const checkouts = parseCheckouts()
  const drains = new Map<string, Drain[]>(checkouts.map(([name]) => [name, []]))
  for (let pair = 0; pair < PAIRS; pair++) {
    const order = pair % 2 === 0 ? checkouts : [...checkouts].reverse()
    for (const [name, dir] of order) {
      const drain = await investigate(dir)
      drains.get(name)?.push(drain)
      process.stderr.write(
        `${name} pair ${pair + 1}: main ${round(drain.mainUs, 1)} µs, Postgres ${round(drain.postgresUs, 1)} µs per occurrence, ${round(drain.perSecond, 0)}/s\n`,
      )
    }
  }
  const [[baseName]] = checkouts as [[string, string]]
  const base = drains.get(baseName) ?? []
  for (const [name] of checkouts)
    console.log(describe(name, drains.get(name) ?? [], base, baseName))
}

main().catch((err) => {
  process.stderr.write(`paired run failed: ${(err as Error).stack ?? err}\n`)
  process.exitCode = 1
})
