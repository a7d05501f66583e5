// The hitl 2.1.0 contract through the bundle, whose guard parses every input with the definition's schemas: a bloc
// may hold markdown items (sdk.messages.markdownBloc), in the channel and in startHitl's history, and both reach the
// ticket as the words the user read.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startLoop, type Loop } from '../../emulators/plugin/index'

let loop: Loop
beforeAll(async () => {
  loop = await startLoop()
})
afterAll(async () => {
  await loop?.close()
})

describe('markdown items in a bloc', () => {
  it('a startHitl history holding a bloc with a markdown item opens the ticket with its text', async () => {
    const { plugin } = loop
    const session = await plugin.escalate({
      name: 'Mark Down',
      before: [
        {
          from: 'bot',
          type: 'bloc',
          payload: { items: [{ type: 'text', payload: { text: 'Your order:' } }, { type: 'markdown', payload: { markdown: 'Order **1234** ships _Friday_' } }] },
        },
      ],
    })
    const [first] = plugin.comments(session)
    expect(first!.html_body).toContain('Your order:')
    expect(first!.html_body).toContain('Order **1234** ships _Friday_')
  })

  it('a bloc message with a markdown item to the hitl channel becomes one public comment with its text', async () => {
    const { plugin } = loop
    const session = await plugin.escalate({ name: 'Mark Twain' })
    const sent = await plugin.userSends(session, 'bloc', {
      items: [{ type: 'markdown', payload: { markdown: '- item one\n- item **two**' } }, { type: 'text', payload: { text: 'thanks' } }],
    })
    expect(sent.status).toBe(200)
    const last = plugin.comments(session).at(-1)!
    expect(last).toMatchObject({ public: true })
    expect(last.body).toContain('- item one\n- item **two**')
    expect(last.body).toContain('thanks')
  })
})
