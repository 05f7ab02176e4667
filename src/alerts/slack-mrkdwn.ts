// Text from a watched site, made inert for Slack's mrkdwn. Slack parses &, < and > as control
// characters: they become &amp; &lt; &gt; (docs.slack.dev/messaging/formatting-message-text,
// "Escaping text"), so <!channel>, <@U123> and <http://x|y> in a title stay text. mrkdwn has no
// escape for * _ ~ `: they become look-alikes that do not format. Sections are sent with
// verbatim: true, so bare URLs, #channels and @here are not turned into links or mentions either.
import { siteLine } from '../reports/site-text.ts'
import { isWebLink } from './clean-text.ts'

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' }
// ∗ (asterisk operator), ˍ (modifier letter low macron), ∼ (tilde operator), ˋ (modifier letter grave)
const LOOK_ALIKES: Record<string, string> = { '*': '\u2217', _: '\u02cd', '~': '\u223c', '`': '\u02cb' }

/** Site text for a mrkdwn field: one inert line of at most `max` characters as sent (an ellipsis when cut). */
export function mrkdwnText(raw: string, max: number): string {
  const pieces = [...siteLine(raw)].map((char) => ENTITIES[char] ?? LOOK_ALIKES[char] ?? char)
  const whole = pieces.join('')
  if (whole.length <= max) return whole
  let clipped = ''
  for (const piece of pieces) {
    if (clipped.length + piece.length > max - 1) break
    clipped += piece
  }
  return `${clipped}…`
}

/** Links only to http(s): a javascript: or data: URL, or one too long to send, is shown as text. */
export function mrkdwnLink(url: string, label: string, maxLabel: number): string {
  const href = linkTarget(url)
  const text = mrkdwnText(label, maxLabel)
  return href === null ? `${text} (${mrkdwnText(url, 80)})` : `<${href}|${text}>`
}

const MAX_HREF = 1000

function linkTarget(url: string): string | null {
  if (!isWebLink(url)) return null
  const parsed = new URL(url)
  // | ends the target in <url|label>; the parser has percent-encoded spaces, quotes and controls
  const href = parsed.href.replace(/\|/g, '%7C').replace(/</g, '%3C').replace(/>/g, '%3E').replace(/&/g, '&amp;')
  return href.length <= MAX_HREF ? href : null
}
