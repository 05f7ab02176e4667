// eurowatch's pages work without this file: it adds htmx's CSRF header and the keyboard.
document.addEventListener('htmx:configRequest', (event) => {
  const token = document.querySelector('meta[name="csrf-token"]')?.getAttribute('content')
  if (token) event.detail.headers['x-csrf-token'] = token
})

// The inbox's keyboard: j/k move between changes, o opens one, m marks it read (or unread),
// / goes to the search field, ? shows the keys. Keys typed into a field stay the field's.
const changes = () => [...document.querySelectorAll('article.change')]

function currentChange() {
  const active = document.activeElement
  return active instanceof Element ? active.closest('article.change') : null
}

function moveTo(step) {
  const list = changes()
  if (list.length === 0) return
  const index = list.indexOf(currentChange())
  const next = list[index === -1 ? (step > 0 ? 0 : list.length - 1) : Math.min(list.length - 1, Math.max(0, index + step))]
  next.focus()
  next.scrollIntoView({ block: 'nearest' })
}

const keys = {
  j: () => moveTo(1),
  k: () => moveTo(-1),
  o: () => currentChange()?.querySelector('a.permalink')?.click(),
  m: () => {
    const form = currentChange()?.querySelector('form.mark')
    if (form) form.requestSubmit()
  },
  '/': () => document.getElementById('q')?.focus(),
  '?': () => {
    const help = document.getElementById('keyboard-help')
    if (help && !help.open) help.showModal()
  },
}

document.addEventListener('keydown', (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey) return
  const target = event.target
  if (target instanceof Element && target.closest('input, select, textarea, [contenteditable], dialog')) return
  const action = keys[event.key]
  if (!action) return
  event.preventDefault()
  action()
})

// a change swapped in by htmx after `m` keeps the focus, so j/k go on from it
document.addEventListener('htmx:afterSwap', (event) => {
  if (event.detail.target?.matches?.('article.change')) document.getElementById(event.detail.target.id)?.focus()
})
