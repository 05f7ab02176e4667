// The pages' markup template: site text is shown, never run or reordered.
import { describe, expect, it } from 'vitest'
import { href, html, raw } from '../../src/web/html.ts'

describe('html', () => {
  it('escapes every interpolated text and keeps markup we wrote', () => {
    const title = '<img src=x onerror=alert(1)> "quoted" & \'single\''
    expect(html`<h1 title="${title}">${title}</h1>${raw('<hr>')}`.markup).toBe(
      '<h1 title="&lt;img src=x onerror=alert(1)&gt; &quot;quoted&quot; &amp; &#39;single&#39;">&lt;img src=x onerror=alert(1)&gt; &quot;quoted&quot; &amp; &#39;single&#39;</h1><hr>',
    )
  })

  it('drops bidirectional overrides and control characters from site text', () => {
    expect(html`<p>${'evil\u202Egnp.exe\u0007'}</p>`.markup).toBe('<p>evilgnp.exe</p>')
  })

  it('joins lists and leaves out null, undefined and false', () => {
    expect(html`<ul>${['a', 'b'].map((item) => html`<li>${item}</li>`)}</ul>${null}${undefined}${false}`.markup).toBe('<ul><li>a</li><li>b</li></ul>')
  })

  it('links only to http(s)', () => {
    expect(href('javascript:alert(1)')).toBeNull()
    expect(href('data:text/html,<script>')).toBeNull()
    expect(href(' JavaScript:alert(1)')).toBeNull()
    expect(href('https://eurocities.eu/a b')).toBe('https://eurocities.eu/a%20b')
  })
})
