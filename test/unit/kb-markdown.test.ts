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
    ['a cell holding a list keeps every item on its row', '<table><tr><th>Plan</th><th>Includes</th></tr><tr><td>Pro</td><td><ul><li>chat</li><li>email</li></ul></td></tr></table>', '| Plan | Includes |\n| --- | --- |\n| Pro | -   chat<br>-   email |'],
    ['a cell holding several paragraphs keeps them all', '<table><tr><td>Step</td><td>Do</td></tr><tr><td>1</td><td><p>Open it.</p><p>Then save.</p></td></tr></table>', '| Step | Do |\n| --- | --- |\n| 1 | Open it.<br>Then save. |'],
    ['a caption stays as a line above its table', '<table><caption>Prices in 2026</caption><tr><td>Plan</td><td>Price</td></tr><tr><td>Pro</td><td>5</td></tr></table>', 'Prices in 2026\n\n| Plan | Price |\n| --- | --- |\n| Pro | 5 |'],
    ['a nested table keeps its text inside the outer cell', '<table><tr><td>Plan</td><td>Detail</td></tr><tr><td>Pro</td><td><table><tr><td>seats</td><td>10</td></tr></table></td></tr></table>', '| Plan | Detail |\n| --- | --- |\n| Pro | \\| seats \\| 10 \\|<br>\\| --- \\| --- \\| |'],
    ['escaped markup stays text, never a tag', '<p>&lt;script&gt;alert(1)&lt;/script&gt; if a &lt; b</p>', '\\<script>alert(1)\\</script> if a \\< b'],
    ['a javascript: or data: link keeps its words, not its target', '<p><a href="javascript:alert(1)">click</a> <a href=" JaVa\tscript:x">two</a> <a href="data:text/html,x">three</a></p>', 'click two three'],
    ['an image with a javascript: address keeps only its alt text', '<p><img src="javascript:x" alt="The menu"></p>', 'The menu'],
    ['hidden text is dropped', '<p>seen<span hidden>secret</span><span style="color:red; display : none">gone</span><span style="visibility:hidden">too</span></p>', 'seen'],
    ['bidi and zero-width controls are dropped', '<p>invoice\u202Etxt.exe\u200B\u2066x\u2069\ufeff</p>', 'invoicetxt.exex'],
    ['blank runs collapse', '<p>a</p><p></p><p></p><p>b</p>', 'a\n\nb'],
  ])('%s', (_name, html, markdown) => {
    expect(articleMarkdown(html)).toBe(markdown)
  })

  it('a file starts with the title and ends with where the article lives', () => {
    expect(articleDocument({ title: ' Reset ', body: '<p>Go</p>', html_url: 'https://acme.zendesk.com/hc/en-us/articles/1' })).toBe(
      '# Reset\n\nGo\n\nSource: https://acme.zendesk.com/hc/en-us/articles/1\n'
    )
  })

  it('a title is one clean line', () => {
    expect(articleDocument({ title: 'Reset\u202E\nnow', body: '<p>Go</p>' })).toBe('# Reset now\n\nGo\n')
  })
})
