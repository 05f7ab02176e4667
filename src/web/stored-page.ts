// A stored raw page made inert for viewing: the bytes decoded as the crawler read them, then
// every script, handler, <base>, refresh and embedded frame dropped, links pointed at the site's
// own absolute URLs. The route serves it with a sandbox CSP as well: this is the second wall.
import { load } from 'cheerio'
import { decodePage } from '../../parsers/decode-page.ts'

const DROPPED = 'script, noscript, base, meta[http-equiv], iframe, frame, frameset, object, embed, applet, link, portal, template'
const URL_ATTRIBUTES = ['href', 'src', 'action', 'formaction', 'srcset', 'data', 'poster', 'background', 'xlink:href', 'ping', 'manifest']

/** `charset`: the one the crawler decoded it with (null: sniffed, as a browser would). */
export function inertPage(body: Uint8Array, contentType: string | null, charset: string | null, pageUrl: string): string {
  const { html } = decodePage(body, charset === null ? contentType : `text/html; charset=${charset}`)
  const $ = load(html)
  $(DROPPED).remove()
  for (const element of $('*').toArray()) {
    if (!('attribs' in element)) continue
    const link = element.tagName === 'a' || element.tagName === 'area' ? absoluteWebUrl(element.attribs.href, pageUrl) : null
    for (const name of Object.keys(element.attribs)) {
      if (/^on/i.test(name) || URL_ATTRIBUTES.includes(name.toLowerCase())) $(element).removeAttr(name)
    }
    if (link !== null) $(element).attr({ href: link, target: '_blank', rel: 'noopener noreferrer' })
  }
  return $.html()
}

function absoluteWebUrl(href: string | undefined, base: string): string | null {
  if (href === undefined) return null
  try {
    const url = new URL(href, base)
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null
  } catch {
    return null
  }
}
