// Progressive enhancement for the dashboard: every page and action works without this file.
;(() => {
  // The login form's time zone: the browser's own, unless one was typed.
  for (const input of document.querySelectorAll('[data-fill-timezone]')) {
    if (!input.value) {
      try {
        input.value = Intl.DateTimeFormat().resolvedOptions().timeZone || ''
      } catch {
        // An old browser without Intl zones: the server's default zone is used.
      }
    }
  }

  // The rule form: show only the chosen action's fields (the server keeps only those anyway).
  const actionSelect = document.querySelector('[data-action-select]')
  if (actionSelect) {
    const sync = () => {
      for (const fieldset of document.querySelectorAll('[data-action-fields]')) {
        fieldset.hidden = fieldset.getAttribute('data-action-fields') !== actionSelect.value
      }
    }
    actionSelect.addEventListener('change', sync)
    sync()
  }

  // After htmx swapped in new content, move focus to its message, so keyboard and screen-reader
  // users land on what changed instead of on a button that no longer exists.
  if (window.htmx) {
    window.htmx.onLoad((element) => {
      if (element === document.body) return
      const message = element.matches?.('[data-focus-after-swap]')
        ? element
        : element.querySelector?.('[data-focus-after-swap]')
      if (message) message.focus()
    })
  }
})()
