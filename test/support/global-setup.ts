import { endScan, findLeaks, newScan } from '../../emulators/secret-scan'

export default function setup() {
  const target = newScan()
  // Test workers start after this and inherit it.
  process.env.SECRET_SCAN_DIR = target
  return () => {
    const leaks = findLeaks(target)
    if (!leaks.length) return endScan(target)
    console.error(`Secrets appeared in the integration's output (files kept in ${target}):\n${leaks.join('\n')}`)
    // vitest exits 0 even when a global teardown throws: the exit code is how the run fails.
    process.exitCode = 1
  }
}
