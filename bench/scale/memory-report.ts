/**
 * Preload for the server (node --import ./bench/scale/memory-report.ts): on SIGUSR2 writes
 * process.memoryUsage() and V8's heap spaces, in MB, to MEMORY_REPORT_FILE. An investigation aid.
 */
import { writeFileSync } from 'node:fs'
import v8 from 'node:v8'

const mb = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10
process.on('SIGUSR2', () => {
  const file = process.env.MEMORY_REPORT_FILE
  if (!file) return
  const usage = Object.fromEntries(
    Object.entries(process.memoryUsage()).map(([k, v]) => [k, mb(v)]),
  )
  const spaces = Object.fromEntries(
    v8
      .getHeapSpaceStatistics()
      .map((s) => [s.space_name, { size: mb(s.space_size), used: mb(s.space_used_size) }]),
  )
  writeFileSync(file, JSON.stringify({ usage, spaces, heap: v8.getHeapStatistics() }, null, 1))
})
