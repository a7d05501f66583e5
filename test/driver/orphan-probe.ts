// Run by cloud.test.ts in a process of its own (node --import tsx): starts a cloud, prints the pids of
// its bundle processes, then waits to be killed without any chance to clean up.
import type { BotpressEmulator } from '../../emulators/botpress'
import { startCloud } from '../../emulators/cloud/index'

const bundlePath = process.argv[2]
// The bundle processes only need an API URL to start; nothing calls it here.
const botpress = { url: 'http://127.0.0.1:9', botId: 'bot', botUserId: 'user' } as BotpressEmulator
const cloud = await startCloud({ botpress, configuration: {}, bundlePath, processes: 2 })
console.log(JSON.stringify(cloud.processes.map((p) => p.pid)))
setInterval(() => {}, 60_000)
