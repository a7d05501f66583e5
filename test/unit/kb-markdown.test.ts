import { describe, expect, it } from 'vitest'
import { articleDocument, articleMarkdown } from '../../src/kb/markdown'

describe('a Help Center article as markdown', () => {
  it.each([
    ['headings', '<h1>Title</h1><h3>Sub</h3>', '# Title\n\n### Sub'],
    ['a link keeps its target', '<p>See <a href="https://acme.test/x">the guide</a></p>', 'See [the guide](https://acme.test/x)'],
    ['emphasis', '<p><strong>Do</strong> <em>not</em></p>', '**Do** _not_'],
    ['a bulleted list', '<ul><li>one</li><li>two</li></ul>', '-   one\n-   two'],
    ['a numbered list, nested', '<ol><li>a<ul><li>b</li></ul></li></ol>', '1.  a\n    -   b'],
    ['a table with a header row', '<table><thead><tr><th>Plan</th><th>Price</th></tr></thead><tbody><tr><td>Pro</td><td>5</td></tr></tbody></table>', '| Plan | Price |\n| --- | --- |\n| Pro | 5 |'],
    ['a table without one: its first row heads it', '<table><tr><td>Plan</td><td>Price</td></tr><tr><td>Pro</td><td>5</td></tr></table>', '| Plan | Price |\n| --- | --- |\n| Pro | 5 |'],
    ['code', '<pre><code>npm i</code></pre>', '```\nnpm i\n```'],
    ['an image keeps its alt text and address', '<img src="https://acme.test/a.png" alt="The menu">', '![The menu](https://acme.test/a.png)'],
    ['scripts and styles are dropped', '<p>Hi</p><script>alert(1)</script><style>p{color:red}</style><noscript>x</noscript>', 'Hi'],
    ['frames, embeds and forms are dropped', '<iframe src="https://v.test"></iframe><form><input name="q"></form><p>Kept</p>', 'Kept'],
    ['blank runs collapse', '<p>a</p><p></p><p></p><p>b</p>', 'a\n\nb'],
  ])('%s', (_name, html, markdown) => {
    expect(articleMarkdown(html)).toBe(markdown)
  })

  it('a file starts with the title and ends with where the article lives', () => {
    expect(articleDocument({ title: ' Reset ', body: '<p>Go</p>', html_url: 'https://acme.zendesk.com/hc/en-us/articles/1' })).toBe(
      '# Reset\n\nGo\n\nSource: https://acme.zendesk.com/hc/en-us/articles/1\n'
    )
  })
})
