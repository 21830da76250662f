/**
 * Preload for the server (node --import ./bench/scale/count-statements.ts): counts every statement
 * the process sends through pg, by its first words, and writes the counts as JSON to
 * STATEMENT_COUNT_FILE on SIGUSR2. statements-per-create.ts uses it; an investigation aid.
 */
import { writeFileSync } from 'node:fs'
import pg from 'pg'

const counts = new Map<string, number>()
/** The first full text and values seen per statement, to EXPLAIN it by hand. */
const samples = new Map<string, { text: string; values: unknown }>()
/** Wall ms from send to answer, summed per statement (one request at a time: ≈ PostgreSQL's time). */
const millis = new Map<string, number>()
const original = pg.Client.prototype.query
pg.Client.prototype.query = function countedQuery(this: pg.Client, ...args: unknown[]) {
  const first = args[0] as string | { text?: string; name?: string }
  const text = typeof first === 'string' ? first : (first?.text ?? `(named ${first?.name})`)
  const key = text.replace(/\s+/g, ' ').trim().slice(0, 110)
  counts.set(key, (counts.get(key) ?? 0) + 1)
  if (!samples.has(key)) {
    samples.set(key, {
      text,
      values: typeof first === 'string' ? args[1] : (first as { values?: unknown }).values,
    })
  }
  const started = performance.now()
  const result = (original as (...a: unknown[]) => unknown).apply(this, args)
  if (result instanceof Promise) {
    void result.then(
      () => millis.set(key, (millis.get(key) ?? 0) + performance.now() - started),
      () => {},
    )
  }
  return result
} as typeof original

process.on('SIGUSR2', () => {
  const file = process.env.STATEMENT_COUNT_FILE
  if (file) {
    writeFileSync(
      file,
      JSON.stringify({
        counts: Object.fromEntries(counts),
        millis: Object.fromEntries(millis),
        samples: Object.fromEntries(samples),
      }),
    )
  }
})
