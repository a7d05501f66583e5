// What Linux says about a live process: its memory and the CPU time it has used.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'

/** VmRSS (now) and VmHWM (peak) of a live process, in bytes. */
export function memoryOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024
  return { rss: kb('VmRSS'), peak: kb('VmHWM') }
}

let ticksPerSecond: number | undefined

/** User + system CPU time of a live process, in ms (fields 14 and 15 of /proc/PID/stat, in clock ticks). */
export function cpuMsOf(pid: number): number {
  ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim())
  // The command name (field 2) may hold spaces; the fields after it are counted from its closing parenthesis.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return ((Number(fields[11]) + Number(fields[12])) / ticksPerSecond) * 1000
}

/**
 * The V8 heap left after a full garbage collection in a bundle process started with --expose-gc: scripts/serve.cjs
 * answers SIGUSR2 with a "zendesk-hitl memory {…}" line on its output, which the driver collects in `logs`.
 */
export async function heapAfterGc(pid: number, logs: string[]): Promise<number> {
  const seen = logs.length
  process.kill(pid, 'SIGUSR2')
  for (let waited = 0; waited < 5_000; waited += 20) {
    const line = logs.slice(seen).find((l) => l.startsWith('zendesk-hitl memory '))
    if (line) {
      const report = JSON.parse(line.slice('zendesk-hitl memory '.length)) as { heapUsed: number; collected: boolean }
      if (!report.collected) throw new Error('The bundle process was not started with --expose-gc')
      return report.heapUsed
    }
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  throw new Error('The bundle process did not report its memory')
}
