// eurowatch's pages work without this file: it adds htmx's CSRF header and the keyboard.
document.addEventListener('htmx:configRequest', (event) => {
  const token = document.querySelector('meta[name="csrf-token"]')?.getAttribute('content')
  if (token) event.detail.headers['x-csrf-token'] = token
})
