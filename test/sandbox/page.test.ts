// What a newcomer tripped over on `npm start`'s page (issue 15), each in Debian's chromium through the built
// bundle: one story, a screenshot per step in test-output/sandbox/page-*.png, at full width and at 800 px.
import { mkdirSync } from 'node:fs'
import { chromium, type Browser, type Page, type Route } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSandbox, type Sandbox } from '../../sandbox/server'

const SHOTS = new URL('../../test-output/sandbox/', import.meta.url).pathname
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']

let sandbox: Sandbox
let browser: Browser
let page: Page
const notFound: string[] = []

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true })
  ;[sandbox, browser] = await Promise.all([startSandbox({ port: 0 }), chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS })])
  page = await browser.newPage({ viewport: { width: 1360, height: 900 } })
  page.setDefaultTimeout(10_000)
  page.on('response', (r) => void (r.status() === 404 && notFound.push(r.url())))
  await page.goto(sandbox.url)
})

afterAll(async () => {
  await browser?.close()
  await sandbox?.close()
})

/** A screenshot at full width, and one at 800 px. */
async function shots(name: string) {
  await page.screenshot({ path: `${SHOTS}page-${name}.png`, fullPage: true })
  await page.setViewportSize({ width: 800, height: 900 })
  await page.screenshot({ path: `${SHOTS}page-${name}-800.png`, fullPage: true })
  await page.setViewportSize({ width: 1360, height: 900 })
}

const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 10_000 })
const comments = () => page.locator('#ticket-detail li.comment')
const banner = () => page.locator('#agent-message')
const ticketTitle = () => page.textContent('#ticket-detail h3')

async function escalate(ticketId: number) {
  await page.click('#human')
  await poll(() => page.textContent('#customer-status')).toBe(`waiting for an agent (ticket #${ticketId})`)
}

/** Holds the page's next request to `path` until the returned function lets it go. */
async function hold(path: string): Promise<() => Promise<void>> {
  let held: Route | undefined
  await page.route(`**${path}`, (route) => void (held = route))
  return async () => {
    await poll(() => held !== undefined).toBe(true)
    await held!.continue()
    await page.unroute(`**${path}`)
  }
}

describe("the agent's side", () => {
  it('an attachment picked before "Internal note" goes with the note, and stays internal', async () => {
    await escalate(1)
    await page.setInputFiles('#agent-file', { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('Refund approved by finance.') })
    await page.fill('#agent-text', 'Finance approved, see the file')
    await page.click('#agent-note')
    const note = comments().filter({ hasText: 'Finance approved, see the file' })
    await note.locator('.attachments a', { hasText: 'notes.txt (27 bytes)' }).waitFor()
    expect(await note.getAttribute('class')).toContain('internal')
    expect(await page.textContent('#agent-file-name')).toBe('')
    expect(await page.locator('#chat').textContent()).not.toContain('notes.txt')
    await shots('1-note-with-file')
  })

  it('an empty reply and an empty note get the same plain message; the buttons wait for the answer; a later action clears it', async () => {
    await page.fill('#agent-text', '')
    await page.click('#agent-reply')
    await poll(() => banner().textContent()).toBe('Zendesk refused it: Comment: cannot be blank.')
    expect(await banner().getAttribute('class')).toContain('error')
    await page.click('#agent-note')
    await poll(() => banner().textContent()).toBe('Zendesk refused it: Comment: cannot be blank.')
    await shots('5-empty-note')

    const release = await hold('/note')
    await page.fill('#agent-text', 'Checking the warehouse')
    await page.click('#agent-note')
    await poll(() => page.locator('#agent-reply:disabled, #agent-note:disabled, #agent-solve:disabled, #agent-assign:disabled').count()).toBe(4)
    await release()
    await comments().filter({ hasText: 'Checking the warehouse' }).waitFor()
    await poll(() => banner().isVisible()).toBe(false)
    expect(await page.locator('#agent-reply').isDisabled()).toBe(false)
  })

  it('on a solved ticket, a public reply and "Assign to me" say what happens', async () => {
    await page.click('#agent-solve')
    await page.locator('#chat li.bot', { hasText: 'The human agent closed the conversation. I will continue assisting you.' }).waitFor()
    await poll(() => page.textContent('#ticket-hint')).toBe('Solved: the customer is back with the bot and will not see a public reply.')
    const shownToCustomer = await page.locator('#chat li').count()

    await page.fill('#agent-text', 'One more thing, Ann')
    await page.click('#agent-reply')
    await poll(() => banner().textContent()).toBe(
      'Reply added to ticket #1, which is solved: the customer went back to the bot when it was solved, so they will not see it. They reach an agent again by asking for one.',
    )
    expect(await banner().getAttribute('class')).toContain('info')
    await comments().filter({ hasText: 'One more thing, Ann' }).waitFor()

    await page.click('#agent-assign')
    await poll(() => banner().textContent()).toBe('Ticket #1 is now assigned to you. It is solved, so the customer is not told: they are back with the bot.')
    // The ticket view re-renders on the page's next poll, after the banner.
    await poll(() => page.textContent('#ticket-detail dl')).toContain('Grace Hopper')
    await poll(() => page.textContent('#agent-assign')).toBe('Assigned to you')
    expect(await page.locator('#agent-assign').isDisabled()).toBe(true)
    expect(await page.locator('#chat li').count()).toBe(shownToCustomer)
    await shots('4-solved')
  })

  it('a new escalation after a solve: the agent pane follows the new ticket, and a reply goes there', async () => {
    await escalate(2)
    await poll(ticketTitle).toBe('#2 Conversation with Ann Lee')
    expect(await banner().textContent()).toBe('The customer asked for an agent again: this is their new ticket, #2.')
    await page.fill('#agent-text', 'Hello again, Ann')
    await page.click('#agent-reply')
    await page.locator('#chat li.agent', { hasText: 'Hello again, Ann' }).waitFor()
    // The customer's box says who reads it now.
    await poll(() => page.getAttribute('#customer-text', 'placeholder')).toBe('Message Grace Hopper… (/end goes back to the bot)')
    await shots('2-followed')
  })

  it('reloading while a ticket is being opened: the pane shows the new ticket once it exists', async () => {
    await page.fill('#customer-text', '/end')
    await page.press('#customer-text', 'Enter')
    await poll(() => page.textContent('#customer-status')).toBe('chatting with the bot')
    // Zendesk slow to create the ticket: the page is reloaded while the customer's status says so.
    sandbox.zendesk!.faults.delay({ ms: 1500, count: 1, method: 'POST', path: /^\/api\/v2\/tickets(\.json)?$/ })
    await page.click('#human')
    await poll(() => page.textContent('#customer-status')).toBe('opening a ticket…')
    await page.reload()
    await poll(() => page.textContent('#customer-status')).toBe('waiting for an agent (ticket #3)')
    await poll(ticketTitle).toBe('#3 Conversation with Ann Lee')
  })

  it('the page asks for no missing file (the icon is served)', async () => {
    expect(notFound).toEqual([])
    const icon = await fetch(`${sandbox.url}/favicon.ico`)
    expect([icon.status, icon.headers.get('content-type')]).toEqual([200, 'image/svg+xml'])
  })
})

describe('the call log', () => {
  it('opens at the newest entry; an expected 404 is not a failure; times stay on one line; a webhook comes before the calls it caused', async () => {
    await page.click('#log-panel summary')
    const scroll = page.locator('#log-scroll')
    await poll(() => scroll.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight)).toBeLessThan(2)
    const panel = (await page.locator('#log-panel').boundingBox())!
    // In view (the box is relative to the window).
    expect(panel.y < 900 && panel.y + panel.height > 0).toBe(true)

    const relay404 = page.locator('#log tr', { hasText: /getState GET .*relay/ }).filter({ has: page.locator('td.answer', { hasText: '404' }) })
    expect(await relay404.count()).toBeGreaterThan(0)
    expect(await relay404.first().getAttribute('class')).not.toContain('failed')
    expect(await relay404.first().locator('td.answer').textContent()).toBe('404 (expected)')
    // The only failures: the agent's two empty comments, which Zendesk refused.
    expect((await page.locator('#log tr.failed').allTextContents()).map((r) => /agent → Zendesk(reply|internal note) on ticket #1 — Zendesk refused it/.test(r))).toEqual([true, true])

    // One line each: the text of every time, status and duration cell is laid out on a single line.
    const lines = () =>
      // In the page: how many distinct line tops the text of the most crowded cell has.
      page.evaluate<number>(`Math.max(...[...document.querySelectorAll('#log td.time, #log td.answer, #log td.ms')].map((c) => {
        const r = document.createRange(); r.selectNodeContents(c); return new Set([...r.getClientRects()].map((x) => Math.round(x.top))).size }))`)
    expect(await lines()).toBe(1)

    // The delivery of the agent's reply on ticket #2, then the webhook invocation and the comments it read.
    const rows = await page.locator('#log tr').allTextContents()
    const webhook = rows.findIndex((r) => /webhook POST \(trigger \d+, ticket #2/.test(r))
    expect(webhook).toBeGreaterThan(-1)
    const caused = rows.findIndex((r, i) => i > webhook - 6 && /tickets\/2\/comments/.test(r))
    expect(caused).toBeGreaterThan(webhook)
    await page.setViewportSize({ width: 800, height: 900 })
    expect(await lines()).toBe(1)
    await page.setViewportSize({ width: 1360, height: 900 })
    await page.screenshot({ path: `${SHOTS}page-11-log.png`, fullPage: true })
  })
})

describe('narrow windows', () => {
  /** Whether every agent button is whole inside the window and inside the agent pane. */
  const buttonsWhole = () =>
    page.evaluate<{ id: string; whole: boolean }[]>(`(() => {
      const pane = document.querySelector('#agent').getBoundingClientRect()
      return [...document.querySelectorAll('#agent-form button, #agent-form label.button')].map((b) => {
        const r = b.getBoundingClientRect()
        return { id: b.id || b.textContent, whole: r.width > 0 && r.left >= pane.left && r.right <= pane.right && r.right <= innerWidth }
      })
    })()`)

  it.each([[800], [420]])('at %i px the agent pane is reachable and its buttons are whole', async (width) => {
    await page.setViewportSize({ width, height: 900 })
    try {
      const pane = page.locator('#agent')
      await pane.scrollIntoViewIfNeeded()
      const box = (await pane.boundingBox())!
      expect(box.x).toBeGreaterThanOrEqual(0)
      expect(box.x + box.width).toBeLessThanOrEqual(width)
      expect((await buttonsWhole()).filter((b) => !b.whole)).toEqual([])
      expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(width)
      await page.screenshot({ path: `${SHOTS}page-12-width-${width}.png`, fullPage: true })
    } finally {
      await page.setViewportSize({ width: 1360, height: 900 })
    }
  })
})
