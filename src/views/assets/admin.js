// Dramalog editor enhancements. The editor works without this file: it only adds autosave of
// unsaved changes, a live preview and drag-to-reorder sections on top of the plain form.

// The words this script shows, in the site's language: the admin page hands them over as JSON
// with `{name}` placeholders (see AdminLayout).
const adminText = (() => {
  const messages = JSON.parse(document.getElementById('admin-messages')?.textContent || '{}')
  return (name, params = {}) =>
    (messages[name] ?? name).replace(/\{([a-zA-Z]+)\}/g, (whole, key) => (params[key] === undefined ? whole : String(params[key])))
})()

;(() => {
  const form = document.getElementById('editor')
  if (!form) return

  // --- Autosave: keep what is typed in this browser until it is saved. ---
  const revision = form.querySelector('input[name="revision"]')?.value ?? 'new'
  const key = `dramalog:draft:${form.getAttribute('action')}:${revision}`
  const skip = new Set(['_csrf', '_action', 'revision', 'paste'])
  const snapshot = () => {
    const data = {}
    for (const [k, v] of new FormData(form)) if (!skip.has(k) && typeof v === 'string') data[k] = v
    return data
  }
  const apply = (data) => {
    for (const [k, v] of Object.entries(data)) {
      const fields = form.querySelectorAll(`[name="${CSS.escape(k)}"]`)
      for (const el of fields) {
        if (el.type === 'radio') el.checked = el.value === v
        else if (el.type === 'checkbox') el.checked = true
        else el.value = v
      }
    }
  }
  const initial = JSON.stringify(snapshot())
  const saved = localStorage.getItem(key)
  if (saved) {
    const { at, data } = JSON.parse(saved)
    if (JSON.stringify(data) !== initial) {
      const bar = document.createElement('div')
      bar.className = 'notice draft-bar'
      bar.setAttribute('role', 'status')
      bar.innerHTML = '<span></span> <button type="button" class="button small primary"></button> <button type="button" class="button small ghost"></button>'
      bar.querySelector('span').textContent = adminText('unsaved', { date: new Date(at).toLocaleString(document.documentElement.lang || undefined) })
      const [restore, discard] = bar.querySelectorAll('button')
      restore.textContent = adminText('restore')
      discard.textContent = adminText('discard')
      restore.addEventListener('click', () => { apply(data); bar.remove() })
      discard.addEventListener('click', () => { localStorage.removeItem(key); bar.remove() })
      form.before(bar)
    }
  }
  let timer = 0
  form.addEventListener('input', () => {
    clearTimeout(timer)
    timer = setTimeout(() => {
      const data = snapshot()
      if (JSON.stringify(data) === initial) localStorage.removeItem(key)
      else localStorage.setItem(key, JSON.stringify({ at: Date.now(), data }))
      schedulePreview()
    }, 600)
  })
  form.addEventListener('submit', (event) => {
    const action = event.submitter?.value
    if (action === 'save') localStorage.removeItem(key)
  })

  // --- Live preview: the real page view, refreshed as you type. ---
  const side = form.querySelector('.sticky-actions')
  let frame = null
  let previewTimer = 0
  const refreshPreview = async () => {
    if (!frame) return
    const data = new FormData(form)
    data.set('_action', 'preview')
    data.delete('posterFile')
    const res = await fetch(form.action, { method: 'POST', body: data, credentials: 'same-origin' })
    frame.srcdoc = await res.text()
  }
  function schedulePreview() {
    clearTimeout(previewTimer)
    previewTimer = setTimeout(refreshPreview, 700)
  }
  if (side) {
    const toggle = document.createElement('button')
    toggle.type = 'button'
    toggle.className = 'button small ghost'
    toggle.textContent = adminText('livePreview')
    toggle.setAttribute('aria-pressed', 'false')
    toggle.addEventListener('click', () => {
      if (frame) {
        frame.remove()
        frame = null
        toggle.setAttribute('aria-pressed', 'false')
        return
      }
      frame = document.createElement('iframe')
      // The preview is the page as readers get it; in a sandbox nothing in it runs, submits or navigates
      // the editor away. It keeps the site's origin so the site's style sheet still applies.
      frame.setAttribute('sandbox', 'allow-same-origin')
      frame.className = 'live-preview'
      frame.title = adminText('livePreviewTitle')
      form.after(frame)
      toggle.setAttribute('aria-pressed', 'true')
      refreshPreview()
    })
    side.append(toggle)
  }

  // --- Drag to reorder sections (the Up and Down buttons still work). ---
  const list = form.querySelector('.editor-main')
  const renumber = () => {
    form.querySelectorAll('fieldset.section-edit').forEach((fs, i) => {
      fs.querySelector('legend').textContent = adminText('section', { n: i + 1 })
      for (const el of fs.querySelectorAll('[name^="sections."]')) el.name = el.name.replace(/^sections\.\d+\./, `sections.${i}.`)
    })
  }
  let dragged = null
  for (const fs of form.querySelectorAll('fieldset.section-edit')) {
    const handle = document.createElement('span')
    handle.className = 'drag-handle'
    handle.textContent = `⠿ ${adminText('drag')}`
    handle.setAttribute('aria-hidden', 'true')
    fs.querySelector('legend').after(handle)
    fs.draggable = true
    fs.addEventListener('dragstart', (e) => {
      if (!e.target.closest || e.target !== fs) return
      dragged = fs
      fs.classList.add('dragging')
    })
    fs.addEventListener('dragend', () => {
      fs.classList.remove('dragging')
      dragged = null
      renumber()
      form.dispatchEvent(new Event('input'))
    })
    fs.addEventListener('dragover', (e) => {
      if (!dragged || dragged === fs) return
      e.preventDefault()
      const after = e.clientY > fs.getBoundingClientRect().top + fs.offsetHeight / 2
      list.insertBefore(dragged, after ? fs.nextSibling : fs)
    })
  }
})()

// List editor: drag entries to reorder them. Without this file the ↑ and ↓ buttons (plain forms) do
// the same one step at a time; with it, a drop posts the whole new order and the page reloads.
;(() => {
  const rows = document.querySelector('.entry-rows[data-reorder]')
  if (!rows) return
  const csrf = document.querySelector('input[name="_csrf"]')?.value
  if (!csrf) return
  rows.setAttribute('data-draggable', '')
  let dragged = null
  rows.addEventListener('dragstart', (e) => {
    dragged = e.target.closest('.entry-row')
    if (!dragged) return
    dragged.classList.add('is-dragging')
    e.dataTransfer.effectAllowed = 'move'
    e.dataTransfer.setData('text/plain', dragged.dataset.entryId)
  })
  rows.addEventListener('dragover', (e) => {
    const over = e.target.closest('.entry-row')
    if (!dragged || !over || over === dragged) return
    e.preventDefault()
    for (const r of rows.querySelectorAll('.is-drop-target')) r.classList.remove('is-drop-target')
    over.classList.add('is-drop-target')
  })
  rows.addEventListener('dragend', () => {
    dragged?.classList.remove('is-dragging')
    for (const r of rows.querySelectorAll('.is-drop-target')) r.classList.remove('is-drop-target')
    dragged = null
  })
  rows.addEventListener('drop', async (e) => {
    const over = e.target.closest('.entry-row')
    if (!dragged || !over || over === dragged) return
    e.preventDefault()
    const all = [...rows.children]
    over[all.indexOf(dragged) < all.indexOf(over) ? 'after' : 'before'](dragged)
    const order = [...rows.children].map((r) => r.dataset.entryId).join(',')
    const body = new URLSearchParams({ _csrf: csrf, order })
    const res = await fetch(rows.dataset.reorder, { method: 'POST', body, headers: { accept: 'application/json' } })
    if (res.ok) location.reload()
    else alert(adminText('reorderFailed'))
  })
})()
