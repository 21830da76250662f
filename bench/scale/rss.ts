/** Samples a process's resident memory from /proc/<pid>/status (Linux). */
import { readFileSync } from 'node:fs'

export interface MemorySample {
  /** Current resident set, MB. */
  rssMb: number
  /** Peak resident set since the process started, MB. */
  hwmMb: number
}

export function readMemory(pid: number): MemorySample | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    const kb = (field: string) =>
      Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1])
    return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 }
  } catch {
    return null
  }
}

/** Samples every `everyMs` until stopped; `peak()` is the highest VmRSS seen in the window. */
export function sampleMemory(pid: number, everyMs = 100) {
  let peak = 0
  const take = () => {
    const sample = readMemory(pid)
    if (sample && sample.rssMb > peak) peak = sample.rssMb
  }
  take()
  const timer = setInterval(take, everyMs)
  return {
    peak: () => peak,
    stop() {
      clearInterval(timer)
      take()
      return peak
    },
  }
}

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat. */
export function readCpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []
    // After "pid (comm) ": state is field 0, utime 11, stime 12 (clock ticks, 100 per second).
    return (Number(fields[11]) + Number(fields[12])) / 100
  } catch {
    return Number.NaN
  }
}
