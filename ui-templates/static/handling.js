// "Lide com": opens a dispute in a <dialog>, posts the handling forms with
// fetch (X-CSRF-Token), keeps everything typed when the marketplace refuses,
// and updates the row's status once it accepted. Without JavaScript the
// same links and forms work as plain pages.
(function () {
  'use strict';

  var dialog = null;

  function ensureDialog() {
    if (dialog) return dialog;
    dialog = document.getElementById('sac-case-dialog');
    if (!dialog) {
      dialog = document.createElement('dialog');
      dialog.id = 'sac-case-dialog';
      dialog.className = 'sac-dialog';
      document.body.appendChild(dialog);
    }
    dialog.addEventListener('cancel', function (ev) {
      var box = openConfirmOf(document.activeElement);
      if (box) {
        ev.preventDefault();
        closeConfirm(box.closest('form'), true);
      }
    });
    dialog.addEventListener('click', function (ev) {
      var close = ev.target.closest('[data-sac-close]');
      if (close) { ev.preventDefault(); dialog.close(); }
    });
    return dialog;
  }

  function loadCase(id) {
    var d = ensureDialog();
    d.setAttribute('aria-busy', 'true');
    d.textContent = d.dataset.loading || 'Carregando…';
    if (!d.open) d.showModal();
    return fetch('/sac/cases/' + encodeURIComponent(id) + '?fragment=1', {
      credentials: 'same-origin', headers: { 'Accept': 'text/html' }
    }).then(function (r) {
      if (!r.ok) throw new Error('HTTP ' + r.status);
      return r.text();
    }).then(function (html) {
      // The fragment is server-rendered and escaped by the templates.
      d.innerHTML = html;
      d.removeAttribute('aria-busy');
    }).catch(function () {
      d.textContent = d.dataset.loadError || 'Não foi possível abrir a disputa.';
      d.removeAttribute('aria-busy');
    });
  }

  function updateRow(caseId, status, label) {
    var row = document.querySelector('tr[data-case-id="' + caseId + '"]');
    if (!row) return;
    var badge = row.querySelector('.sac-badge');
    if (badge) {
      badge.textContent = label;
      badge.className = 'sac-badge sac-status-' + status;
    }
    row.setAttribute('data-status', status);
  }

  function announce(text) {
    var live = document.getElementById('sac-live');
    if (live) live.textContent = text;
  }

  // ---- Confirmation of what cannot be undone --------------------------------
  // A form holding a [data-sac-confirm] block is never sent by its own submit
  // button (nor by Enter): that only shows the block, filled with what will
  // happen, and moves the focus into it. Only the block's own button sends,
  // with confirm=1 (the server refuses the action without it). Escape or
  // "Cancelar" hides the block and gives the focus back to the button.
  function fillConfirm(form, box) {
    var set = function (sel, value) {
      var el = box.querySelector(sel);
      if (el) el.textContent = value || '—';
    };
    var radio = form.querySelector('input[type=radio][name=solution_id]:checked');
    if (radio) {
      set('[data-sac-confirm-solution]', radio.getAttribute('data-sac-solution'));
      set('[data-sac-confirm-amount]', radio.getAttribute('data-sac-amount'));
      set('[data-sac-confirm-currency]', radio.getAttribute('data-sac-currency'));
      return;
    }
    var textOf = function (name) {
      var select = form.querySelector('select[name=' + name + ']');
      var option = select && select.options[select.selectedIndex];
      return option ? option.textContent.trim() : '';
    };
    set('[data-sac-confirm-solution]', textOf('solution_id'));
    set('[data-sac-confirm-type]', textOf('solution_type'));
    var amount = form.querySelector('input[name=refund_amount]');
    set('[data-sac-confirm-amount]', amount ? amount.value.trim() : '');
  }

  function openConfirm(form) {
    var box = form.querySelector('[data-sac-confirm]');
    if (!box) return;
    fillConfirm(form, box);
    box.hidden = false;
    box.focus();
  }

  function closeConfirm(form, giveFocusBack) {
    var box = form.querySelector('[data-sac-confirm]');
    if (!box || box.hidden) return false;
    box.hidden = true;
    var button = form.querySelector('[data-sac-submit]');
    if (giveFocusBack && button) button.focus();
    return true;
  }

  function openConfirmOf(el) {
    var box = el && el.closest ? el.closest('[data-sac-confirm]') : null;
    if (box && !box.hidden) return box;
    var scope = document.querySelector('dialog[open]') || document;
    var boxes = scope.querySelectorAll('[data-sac-confirm]');
    for (var i = 0; i < boxes.length; i++) if (!boxes[i].hidden) return boxes[i];
    return null;
  }

  document.addEventListener('keydown', function (ev) {
    if (ev.key !== 'Escape') return;
    var box = openConfirmOf(document.activeElement);
    if (box) {
      // Escape leaves the confirmation, not the dialog.
      ev.preventDefault();
      ev.stopPropagation();
      closeConfirm(box.closest('form'), true);
      return;
    }
    var page = document.querySelector('[data-sac-confirm-page]');
    if (page && page.getAttribute('data-cancel-url')) window.location.assign(page.getAttribute('data-cancel-url'));
  }, true);

  document.addEventListener('click', function (ev) {
    var no = ev.target.closest('[data-sac-confirm-no]');
    if (!no || !no.closest('form')) return;
    ev.preventDefault();
    closeConfirm(no.closest('form'), true);
  });

  // A changed choice changes what the open confirmation says.
  ['input', 'change'].forEach(function (type) {
    document.addEventListener(type, function (ev) {
      var form = ev.target.form || (ev.target.closest && ev.target.closest('form'));
      var box = form && form.querySelector('[data-sac-confirm]');
      if (box && !box.hidden) fillConfirm(form, box);
    });
  });

  // Every refused field marked with its own message (aria-invalid and
  // aria-describedby), the first one focused; cleared before each send.
  function markFields(form, fields) {
    form.querySelectorAll('[data-sac-field-error]').forEach(function (e) { e.remove(); });
    form.querySelectorAll('[aria-invalid]').forEach(function (e) {
      e.removeAttribute('aria-invalid');
      e.removeAttribute('aria-describedby');
    });
    var first = null;
    (fields || []).forEach(function (f, i) {
      var input = form.querySelector('[name="' + String(f.field).replace(/[^a-z_]/g, '') + '"]');
      if (!input) return;
      var article = form.closest('[data-case-id]');
      var id = 'sac-err-' + input.name + '-' + (article ? article.getAttribute('data-case-id') : i);
      var small = document.createElement('small');
      small.id = id;
      small.className = 'sac-field-error';
      small.setAttribute('data-sac-field-error', input.name);
      small.textContent = f.message || '';
      input.insertAdjacentElement('afterend', small);
      input.setAttribute('aria-invalid', 'true');
      input.setAttribute('aria-describedby', id);
      if (!first) first = input;
    });
    if (first) first.focus();
    return !!first;
  }

  function showError(form, message, detail) {
    var box = form.querySelector('[data-sac-error]');
    if (!box) return;
    box.textContent = message || '';
    if (detail) {
      // The marketplace's own words, as a technical detail beside the message.
      var small = document.createElement('small');
      small.className = 'sac-tech';
      small.textContent = ' ' + (box.dataset.techLabel || 'detalhe técnico') + ': ';
      var code = document.createElement('code');
      code.textContent = detail;
      small.appendChild(code);
      box.appendChild(small);
    }
  }

  // The decision guide's refusal text becomes the reason, ready to review.
  document.addEventListener('click', function (ev) {
    var use = ev.target.closest('[data-sac-use-reason]');
    if (!use) return;
    var article = use.closest('[data-case-id]');
    var text = article && article.querySelector('[data-sac-guide-reason]');
    var reason = article && article.querySelector('form[data-sac-form=refuse] textarea[name=reason]');
    if (!text || !reason) return;
    var details = reason.closest('details');
    if (details) details.open = true;
    reason.value = text.textContent.trim();
    reason.focus();
  });

  document.addEventListener('click', function (ev) {
    var link = ev.target.closest('a.sac-handle[data-case-id]');
    if (!link || ev.defaultPrevented || ev.button !== 0 || ev.ctrlKey || ev.metaKey || ev.shiftKey) return;
    ev.preventDefault();
    loadCase(link.getAttribute('data-case-id'));
  });

  document.addEventListener('submit', function (ev) {
    var form = ev.target;
    if (!form.matches || !form.matches('form[data-sac-form]')) return;
    ev.preventDefault();
    if (form.dataset.pending === '1') return; // a double click sends once
    var confirmed = !!(ev.submitter && ev.submitter.hasAttribute('data-sac-confirm-yes'));
    if (form.querySelector('[data-sac-confirm]') && !confirmed) { openConfirm(form); return; }
    var button = form.querySelector('[data-sac-submit]');
    var article = form.closest('[data-case-id]');
    var caseId = article ? article.getAttribute('data-case-id') : '';
    var kind = form.getAttribute('data-sac-form');
    var csrf = form.querySelector('input[name=_csrf]');
    form.dataset.pending = '1';
    if (button) { button.disabled = true; button.dataset.label = button.textContent; }
    showError(form, '');
    markFields(form, []);
    var body = new FormData(form);
    if (confirmed) body.set('confirm', '1');
    var yes = form.querySelector('[data-sac-confirm-yes]');
    if (yes) yes.disabled = true;
    fetch(form.action, {
      method: 'POST', credentials: 'same-origin', body: body,
      headers: { 'Accept': 'application/json', 'X-CSRF-Token': csrf ? csrf.value : '' }
    }).then(function (r) {
      return r.json().catch(function () { return { ok: false, message: 'HTTP ' + r.status }; });
    }).then(function (res) {
      if (!res.ok && res.confirm_required) { openConfirm(form); return; }
      if (!res.ok) closeConfirm(form, true);
      if (!res.ok) {
        if (res.refreshed && form.closest('dialog')) {
          // The dispute changed on AliExpress: show its current state, then why nothing was sent.
          if (res.status) updateRow(caseId, res.status, res.status_label);
          announce(res.message);
          return loadCase(caseId).then(function () {
            var article = ensureDialog().querySelector('[data-case-id]');
            if (!article) return;
            var notice = document.createElement('p');
            notice.className = 'sac-error';
            notice.setAttribute('role', 'alert');
            notice.setAttribute('data-sac-refreshed', '');
            notice.textContent = res.message || '';
            var head = article.querySelector('.sac-dialog-head');
            if (head && head.nextSibling) article.insertBefore(notice, head.nextSibling);
            else article.insertBefore(notice, article.firstChild);
          });
        }
        showError(form, res.message, res.detail);
        // A warning the seller may accept: the box to send it as is appears.
        var warn = form.querySelector('[data-sac-warn-confirm]');
        if (warn && res.confirmable && (res.fields || []).some(function (f) { return f.field === 'reason'; })) warn.hidden = false;
        var fields = res.fields && res.fields.length ? res.fields : (res.field ? [{ field: res.field, message: res.message }] : []);
        // The focus goes to the first wrong field, else to the message: never lost to the page.
        if (!markFields(form, fields)) {
          var box = form.querySelector('[data-sac-error]');
          if (box) { box.setAttribute('tabindex', '-1'); box.focus(); }
        }
        return;
      }
      var inDialog = form.closest('dialog');
      if (!inDialog) {
        window.location.assign('/sac/cases/' + encodeURIComponent(caseId) + '?done=' + encodeURIComponent(kind));
        return;
      }
      if (res.status) updateRow(caseId, res.status, res.status_label);
      announce(res.message);
      if (kind === 'note') { loadCase(caseId); return; }
      inDialog.close();
    }).catch(function () {
      showError(form, 'Falha de conexão. Tente de novo.');
    }).then(function () {
      form.dataset.pending = '';
      if (button) button.disabled = false;
      if (yes) yes.disabled = false;
    });
  });
})();

// Canned refusal reasons: choosing one puts its text in the reason, where
// the seller may still change it.
(function () {
  'use strict';
  document.addEventListener('change', function (ev) {
    var select = ev.target;
    if (!select.matches || !select.matches('[data-sac-canned]')) return;
    var option = select.options[select.selectedIndex];
    var form = select.closest('form');
    var reason = form && form.querySelector('textarea[name="reason"]');
    if (!option || !option.value || !reason) return;
    reason.value = option.getAttribute('data-text') || '';
    reason.dispatchEvent(new Event('input', { bubbles: true }));
  });
})();
