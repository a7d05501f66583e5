import { describe, expect, it } from 'vitest'
import { fitComment } from '../../src/channels/prepare'
import { fileNameOf, outboundParts } from '../../src/mapping/outbound'
import { commentText } from '../../src/mapping/text'
import { renderMessage, renderTranscript } from '../../src/mapping/transcript'

describe('the transcript in the ticket\'s first comment', () => {
  const names = { user: (id: string) => (id === 'user_1' ? 'Ann <Admin>' : 'User'), bot: 'Helpbot' }

  it('names each author, marks the bot, and escapes what users typed', () => {
    const html = renderTranscript('Refund please', [
      { source: { type: 'user', userId: 'user_1' }, type: 'text', payload: { text: 'hi <script>alert(1)</script>\nsecond line' } },
      { source: { type: 'bot' }, type: 'text', payload: { text: 'How can I help?' } },
    ], names)
    expect(html).toContain('<p>Refund please</p>')
    expect(html).toContain('<strong>Ann &lt;Admin&gt;:</strong> hi &lt;script&gt;alert(1)&lt;/script&gt;<br>second line')
    expect(html).toContain('<strong>Helpbot (bot):</strong> How can I help?')
    expect(html).not.toContain('<script>')
  })

  it('says something even with no description and no history', () => {
    expect(renderTranscript(undefined, [], names)).toBe('<p>The user asked to talk to an agent.</p>')
  })

  it.each([
    [{ type: 'image', payload: { imageUrl: 'https://x/cat.png', title: 'cat' } }, 'Image: <a href="https://x/cat.png">cat</a>'],
    [{ type: 'file', payload: { fileUrl: 'javascript:alert(1)' } }, 'File: javascript:alert(1)'],
    [{ type: 'location', payload: { latitude: 45.5, longitude: -73.6, title: 'Office' } }, 'Location: Office (45.5, -73.6)'],
    [{ type: 'choice', payload: { text: 'Pick one', options: [{ label: 'Yes', value: 'y' }, { label: 'No', value: 'n' }] } }, 'Pick one<br>Options: Yes | No'],
    [{ type: 'card', payload: { title: 'Plan', actions: [{ action: 'url', label: 'Buy', value: 'https://x' }] } }, 'Card: <strong>Plan</strong><br>Buttons: Buy'],
    [{ type: 'markdown', payload: { markdown: '**bold**' } }, '**bold**'],
    [{ type: 'bloc', payload: { items: [{ type: 'text', payload: { text: 'a' } }, { type: 'audio', payload: { audioUrl: 'https://x/a.mp3' } }] } }, 'a<br>Audio: <a href="https://x/a.mp3">https://x/a.mp3</a>'],
    [{ type: 'somethingNew', payload: {} }, '(somethingNew message)'],
  ])('renders %j readably', (message, html) => {
    expect(renderMessage(message)).toBe(html)
  })
})

describe('an agent\'s comment as chat text', () => {
  it.each([
    ['<p>Hello <strong>Ann</strong>,</p><p>Your refund is on its way.</p>', 'Hello Ann,\n\nYour refund is on its way.'],
    ['<p>See <a href="https://help.acme.com/a">the guide</a></p>', 'See the guide [https://help.acme.com/a]'],
    ['<ul><li>one</li><li>two</li></ul>', '- one\n- two'],
    ['<div class="zd-comment" dir="auto">Line one<br>Line two</div>', 'Line one\nLine two'],
  ])('HTML %j reads as %j', (html, text) => {
    expect(commentText({ html_body: html })).toBe(text)
  })

  it.each([
    'See you on Tuesday, Dec 3, 2026, 2:30 PM',
    'Refund issued on Friday, Nov 27, 2026 10:15\nAnything else?',
    'John Agent, Nov 25, 2026, 10:00\n\nHello there',
    '----------\nJane (on behalf of Acme)',
  ])('keeps an agent\'s words as written: %j', (text) => {
    expect(commentText({ plain_body: text })).toBe(text)
  })

  it('falls back to the plain body', () => {
    expect(commentText({ html_body: null, plain_body: 'plain', body: 'body' })).toBe('plain')
  })
})

describe('a Botpress message as comment parts', () => {
  it('keeps text as words and media as files', () => {
    expect(outboundParts('text', { text: '  hi  ' })).toEqual({ lines: ['hi'], files: [] })
    expect(outboundParts('image', { imageUrl: 'https://x/a.png', title: 'A' })).toEqual({ lines: [], files: [{ url: 'https://x/a.png', title: 'A' }] })
    expect(
      outboundParts('bloc', {
        items: [
          { type: 'text', payload: { text: 'see' } },
          { type: 'file', payload: { fileUrl: 'https://x/r.pdf' } },
          { type: 'location', payload: { latitude: 1, longitude: 2, address: 'Main St' } },
        ],
      })
    ).toEqual({ lines: ['see', 'Location: Main St (1, 2)'], files: [{ url: 'https://x/r.pdf' }] })
  })

  it.each([
    [{ url: 'https://x/files/report%20Q3.pdf' }, undefined, 'report Q3.pdf'],
    [{ url: 'https://x/img', title: 'Screenshot' }, 'image/png', 'Screenshot.png'],
    [{ url: 'https://x/a/b/../..', title: '../../etc/passwd' }, undefined, '.._.._etc_passwd'],
    [{ url: 'not a url' }, 'application/pdf', 'attachment.pdf'],
  ])('names %j (%s) %j', (file, type, name) => {
    expect(fileNameOf(file, type)).toBe(name)
  })

  it('cuts a text Zendesk would refuse, visibly', () => {
    const cut = fitComment('x'.repeat(100), 60)
    expect(cut).toHaveLength(60)
    expect(cut).toMatch(/\[message cut: \d+ more characters\]$/)
    expect(fitComment('short', 60)).toBe('short')
  })
})
