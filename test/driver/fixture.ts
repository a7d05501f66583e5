import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const NODE_MODULES = fileURLToPath(new URL('../../node_modules', import.meta.url))

/**
 * A small integration made with `@botpress/sdk`, so that the driver's tests do not depend on the
 * project's own integration: it answers each operation in a way a test can check from outside.
 */
const FIXTURE_SOURCE = `
import * as sdk from '@botpress/sdk'

const remember = (client: any, ctx: any, name: string, payload: Record<string, unknown>) =>
  client.setState({ type: 'integration', id: ctx.integrationId, name, payload })

export default new sdk.Integration({
  register: async ({ webhookUrl, client, ctx, logger }: any) => {
    logger.forBot().info('fixture registered at ' + webhookUrl)
    await remember(client, ctx, 'registered', { webhookUrl })
  },
  unregister: async ({ webhookUrl, client, ctx }: any) => {
    await remember(client, ctx, 'unregistered', { webhookUrl })
  },
  actions: {
    echo: async ({ input, ctx }: any) => ({
      input,
      pid: process.pid,
      configuration: ctx.configuration,
      configurationType: ctx.configurationType,
      botId: ctx.botId,
      botUserId: ctx.botUserId,
      integrationId: ctx.integrationId,
      webhookId: ctx.webhookId,
    }),
    fail: async () => {
      throw new sdk.RuntimeError('the fixture fails on purpose')
    },
    crash: async () => {
      throw new Error('an unexpected fixture error')
    },
    createUser: async ({ input, client }: any) => {
      const { user } = await client.getOrCreateUser({ tags: { email: input.email }, discriminateByTags: ['email'] })
      return { userId: user.id, tags: user.tags }
    },
  },
  channels: {
    hitl: {
      messages: {
        text: async ({ ack, client, ctx, conversation, user, message, payload }: any) => {
          await remember(client, ctx, 'lastMessage', { conversation, user, message, payload })
          await ack({ tags: { zendeskCommentId: 'comment-' + payload.text } })
        },
      },
    },
  },
  handler: async ({ req }: any) => ({
    status: 202,
    headers: { 'content-type': 'application/json', 'x-fixture': 'yes' },
    body: JSON.stringify({ method: req.method, path: req.path, query: req.query, headers: req.headers, body: req.body }),
  }),
})
`

export interface FixtureBundle {
  bundlePath: string
  remove(): Promise<void>
}

/** Builds the fixture with esbuild the way the project's bundle is built: one CommonJS file for node. */
export async function buildFixtureBundle(): Promise<FixtureBundle> {
  const dir = await mkdtemp(join(tmpdir(), 'zendesk-hitl-driver-'))
  const entry = join(dir, 'integration.ts')
  const bundlePath = join(dir, 'index.cjs')
  await writeFile(entry, FIXTURE_SOURCE)
  await build({
    entryPoints: [entry],
    outfile: bundlePath,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    nodePaths: [NODE_MODULES],
    logLevel: 'silent',
  })
  return { bundlePath, remove: () => rm(dir, { recursive: true, force: true }) }
}
