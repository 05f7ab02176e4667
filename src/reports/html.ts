// Text as HTML text or an attribute value: the five characters that could start markup or end
// a quoted attribute become entities. Site text is sanitised first (site-text.ts). Pure.
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;')
}
