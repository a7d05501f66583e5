// Issue 12, finding 4: what an agent writes reaches the user as written. Real replies of the kinds agents send,
// typed in the agent workspace as plain text or rich text, through Zendesk's rendering and the built bundle.
import { afterAll, beforeAll, expect, it } from 'vitest'
import { startLoop, type Loop } from '../../emulators/plugin/index'

let loop: Loop
beforeAll(async () => {
  loop = await startLoop()
})
afterAll(() => loop?.close())

/** Typed as plain text: the user reads exactly this. */
const PLAIN: string[] = [
  'See you on Tuesday, Dec 3, 2026, 2:30 PM',
  'Refund issued on Friday, Nov 27, 2026 10:15',
  'Your appointment: Nov 25, 2026, 10:00\nPlease arrive early.',
  'John Agent, Nov 25, 2026, 10:00',
  'Maria (on behalf of Acme Support)',
  'Thanks for waiting!\n\n--\nMaria\nAcme Support',
  'Best regards,\nThe Acme team\nhttps://acme.example/help',
  '----\nOrder summary\n----',
  '----------------------------------------------\nAll done.',
  '> I was charged twice\nYou were: the second charge is refunded.',
  'Steps:\n- open Settings\n- choose Billing\n- press Refund',
  '1. Restart the router\n2. Wait a minute\n3. Try again',
  '| Plan | Price |\n|---|---|\n| Team | 19 |',
  'Run `npm ci` and then `npm test`.',
  'if (x < 3 && y > 2) { return "ok" }',
  'Tom & Jerry <tom@example.com>',
  '5 < 6 and 7 > 3',
  'AT&T, R&D and Q&A',
  'Use &amp; literally, not &',
  'The link: https://acme.example/orders/123?ref=mail&lang=en',
  'Thanks! 🎉👍 Your order ships today 📦',
  'مرحبا، كيف يمكنني مساعدتك؟',
  'שלום! ההזמנה שלך נשלחה.',
  'こんにちは、ご注文を確認しました。',
  'Straße, naïve café, coöperate',
  'Price: $19.99 (20% off) #deal @team',
  'Line one\nLine two\nLine three',
  'First paragraph.\n\nSecond paragraph.',
  'Sure :) :-( ;-)',
  'Ticket #4521 is merged into #4520.',
  '"Quoted" and \'single\' and `backticks`',
  'C:\\Users\\ann\\Downloads',
  'a*b*c and _under_ and ~tilde~',
  'Call us at +1 (555) 010-2030, ext. 12',
  'Yes.',
]

/** Typed in rich text: the user reads the words, laid out as text. */
const RICH: [string, string][] = [
  ['<p>Hello <strong>Ann</strong>,</p><p>Your refund is on its way.</p>', 'Hello Ann,\n\nYour refund is on its way.'],
  ['<ul><li>open Settings</li><li>choose Billing</li></ul>', '- open Settings\n- choose Billing'],
  ['<p>See <a href="https://acme.example/guide">the guide</a></p>', 'See the guide [https://acme.example/guide]'],
  ['<p>Meet on Tuesday, Dec 3, 2026, 2:30 PM</p>', 'Meet on Tuesday, Dec 3, 2026, 2:30 PM'],
  ['<p>5 &lt; 6 &amp; 7 &gt; 3</p>', '5 < 6 & 7 > 3'],
]

it.each(PLAIN.map((text, i) => [i + 1, text] as const))('plain reply %i reaches the user as written', async (_, text) => {
  const { plugin, zendesk } = loop
  const session = await plugin.escalate()
  const agent = zendesk.createAgent({ name: 'Verbatim Vi', email: `vv${Math.random()}@acme.test` })
  zendesk.agent(agent.id).reply(session.ticketId, { body: text })
  await zendesk.settled()
  expect(plugin.toUser(session).map((m) => m.payload.text)).toEqual([text])
})

it.each(RICH)('rich reply %j reaches the user as %j', async (html, text) => {
  const { plugin, zendesk } = loop
  const session = await plugin.escalate()
  const agent = zendesk.createAgent({ name: 'Rich Ray', email: `rr${Math.random()}@acme.test` })
  zendesk.agent(agent.id).reply(session.ticketId, { htmlBody: html })
  await zendesk.settled()
  expect(plugin.toUser(session).map((m) => m.payload.text)).toEqual([text])
})
