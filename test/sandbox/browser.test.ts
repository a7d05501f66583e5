// `npm start`'s page in a real browser (Debian's chromium, driven by playwright-core): a person escalates a
// chat, works the ticket as the Zendesk agent and gets the bot back, all through the built bundle over HTTP.
// Each step leaves a screenshot in test-output/sandbox/.
import { mkdirSync } from 'node:fs'
import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSandbox, type Sandbox } from '../../sandbox/server'
import { receiptPng } from './png'

const SHOTS = new URL('../../test-output/sandbox/', import.meta.url).pathname
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']

let sandbox: Sandbox
let browser: Browser
let page: Page

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true })
  ;[sandbox, browser] = await Promise.all([startSandbox({ port: 0 }), chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS })])
  page = await browser.newPage({ viewport: { width: 1360, height: 900 } })
  page.setDefaultTimeout(10_000)
  await page.goto(sandbox.url)
})

afterAll(async () => {
  await browser?.close()
  await sandbox?.close()
})

const shot = (name: string) => page.screenshot({ path: `${SHOTS}${name}.png`, fullPage: true })
const chat = () => page.locator('#chat li')
const comments = () => page.locator('#ticket-detail li.comment')

async function customerSays(text: string) {
  await page.fill('#customer-text', text)
  await page.press('#customer-text', 'Enter')
}

describe('the sandbox page', () => {
  it('chats with the bot, then escalates: the ticket holds the chat so far', async () => {
    await customerSays('hello')
    await expect.poll(() => chat().last().textContent()).toBe('Hello! What can I help you with?')
    await page.click('#human')
    await page.locator('#tickets li', { hasText: 'Conversation with Ann Lee' }).waitFor()
    await expect.poll(() => page.textContent('#customer-status')).toBe('waiting for an agent (ticket #1)')
    const transcript = await comments().first().textContent()
    expect(transcript).toContain('Ann Lee: hello')
    expect(transcript).toContain('Acme bot (bot): Hello! What can I help you with?')
    // The address the customer typed is not set on the Zendesk user (linking is off): only the name shows.
    expect(await page.textContent('#ticket-detail dl')).toContain('Ann Lee')
    expect(await page.textContent('#ticket-detail dl')).not.toContain('ann.lee@example.com')
    await shot('1-escalated')
  })

  it('"assign to me" tells the customer an agent joined, in the plugin\'s words, and names the agent in the status', async () => {
    await page.click('#agent-assign')
    await page.locator('#chat li', { hasText: 'A human agent has joined the conversation.' }).waitFor()
    await expect.poll(() => page.textContent('#customer-status')).toBe('Grace Hopper is helping (ticket #1)')
    expect(await page.textContent('#ticket-detail dl')).toContain('Grace Hopper')
    await shot('2-assigned')
  })

  it("the agent's public reply reaches the customer; an internal note does not", async () => {
    await page.fill('#agent-text', 'Only agents read this')
    await page.click('#agent-note')
    await comments().filter({ hasText: 'Only agents read this' }).locator('.internal-mark').waitFor()
    await page.fill('#agent-text', 'Hi Ann, Grace here. How can I help?')
    await page.click('#agent-reply')
    const reply = page.locator('#chat li.agent', { hasText: 'Hi Ann, Grace here. How can I help?' })
    await reply.waitFor()
    expect(await reply.locator('.who').textContent()).toBe('Grace Hopper')
    expect(await page.locator('#chat').textContent()).not.toContain('Only agents read this')
    await shot('3-agent-replied')
  })

  it("the customer's image lands on the ticket as an attachment the agent sees", async () => {
    const png = receiptPng()
    await page.setInputFiles('#customer-file', { name: 'receipt.png', mimeType: 'image/png', buffer: png.data })
    await page.locator('#chat li.user img.media').waitFor()
    const image = comments().locator('.attachments img[alt="receipt.png"]')
    await image.waitFor()
    // The agent's browser loads the bytes from Zendesk: the same picture the customer picked.
    await expect.poll(() => image.evaluate((img: { complete: boolean; naturalWidth: number; naturalHeight: number }) => img.complete && `${img.naturalWidth}x${img.naturalHeight}`)).toBe(`${png.width}x${png.height}`)
    expect(await comments().last().locator('.attachments').textContent()).toContain(`receipt.png (${png.data.length} bytes)`)
    expect(await comments().last().locator('header b').textContent()).toBe('Ann Lee')
    await shot('4-image-sent')
  })

  it('a file goes both ways: the customer\'s lands on the ticket, the agent\'s attachment reaches the customer', async () => {
    await page.setInputFiles('#customer-file', { name: 'invoice.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4 invoice') })
    await comments().locator('.attachments a', { hasText: 'invoice.pdf (16 bytes)' }).waitFor()
    await page.fill('#agent-text', 'Here is our returns guide.')
    await page.setInputFiles('#agent-file', { name: 'returns.txt', mimeType: 'text/plain', buffer: Buffer.from('Send it back within 30 days.') })
    await page.click('#agent-reply')
    await page.locator('#chat li.agent', { hasText: 'Here is our returns guide.' }).waitFor()
    const file = page.locator('#chat li.agent a.file', { hasText: 'returns.txt' })
    await file.waitFor()
    // The link the customer gets serves the agent's bytes.
    expect(await (await fetch((await file.getAttribute('href'))!)).text()).toBe('Send it back within 30 days.')
    await shot('5-files')
  })

  it('solving the ticket gives the customer back to the bot', async () => {
    await page.click('#agent-solve')
    await page.locator('#chat li.bot', { hasText: 'The human agent closed the conversation. I will continue assisting you.' }).waitFor()
    await expect.poll(() => page.textContent('#customer-status')).toBe('chatting with the bot')
    expect(await page.textContent('#ticket-status')).toBe('solved')
    const before = await comments().count()
    await customerSays('hello again')
    await expect.poll(() => chat().last().textContent()).toBe('Hello! What can I help you with?')
    expect(await comments().count()).toBe(before)
    await shot('6-back-to-bot')
  })

  it('asking again opens a ticket whose transcript is what the customer saw, the agent\'s replies included', async () => {
    await page.click('#human')
    await page.locator('#tickets li', { hasText: '#2 ' }).click()
    await expect.poll(() => page.textContent('#customer-status')).toBe('waiting for an agent (ticket #2)')
    const transcript = await comments().first().textContent()
    expect(transcript).toContain('Hi Ann, Grace here. How can I help?')
    expect(transcript).toContain('A human agent has joined the conversation.')
    expect(transcript).toContain('Ann Lee: hello again')
    await shot('6b-second-ticket')
  })

  it('the input says who the customer is talking to, and /END in capitals gives the customer back to the bot', async () => {
    expect(await page.getAttribute('#customer-text', 'placeholder')).toMatch(/^Message the support team/)
    await customerSays('/END')
    await page.locator('#chat li.bot', { hasText: 'You have ended the session with the human agent.' }).waitFor()
    await expect.poll(() => page.textContent('#customer-status')).toBe('chatting with the bot')
    expect(await page.getAttribute('#customer-text', 'placeholder')).toBe('Message the bot…')
    expect(await comments().allTextContents()).not.toContainEqual(expect.stringContaining('/END'))
  })

  it('a double click on "Talk to a human" opens one ticket and says nothing after what the customer types next', async () => {
    await page.dblclick('#human')
    await customerSays('typed right after')
    await page.locator('#tickets li', { hasText: '#3 ' }).waitFor()
    await expect.poll(() => page.textContent('#customer-status')).toBe('waiting for an agent (ticket #3)')
    // The page shows the chat as it polls it: wait for the customer's words before reading the order.
    await chat().filter({ hasText: 'typed right after' }).first().waitFor()
    const lines = await chat().allTextContents()
    expect(lines.join('\n')).not.toContain('already talking')
    const typed = lines.lastIndexOf('typed right after')
    expect(typed).toBeGreaterThan(lines.lastIndexOf('Talk to a human'))
    expect(await page.locator('#tickets li', { hasText: '#4 ' }).count()).toBe(0)
    await shot('6c-double-click')
  })

  it('the log shows every call: the plugin, Botpress, the integration, Zendesk and its webhooks', async () => {
    await page.click('#log-panel summary')
    const log = page.locator('#log')
    await log.locator('tr', { hasText: 'action startHitl' }).first().waitFor()
    const text = await log.textContent()
    for (const call of ['register', 'POST /api/v2/webhooks', 'POST /api/v2/triggers', 'action createUser', 'POST /api/v2/tickets', 'message_created (image)', 'GET /files/', 'POST /api/v2/uploads', 'reply on ticket #1', 'solve ticket #1', 'webhook POST', 'webhook_received', 'createEvent'])
      expect(text).toContain(call)
    // A 404 can be an answer the integration expects (a state not written yet); a 5xx or a failed click never is.
    expect(await log.locator('tr[data-status^="5"], tr[data-error]').allTextContents()).toEqual([])
    await shot('7-log')
  })
})
