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

  function showError(form, message, detail) {
    var box = form.querySelector('[data-sac-error]');
    if (!box) return;
    box.textContent = message || '';
    if (detail) {
      var span = document.createElement('span');
      span.className = 'sac-mkt-reason';
      span.textContent = ' ' + (box.dataset.reasonLabel || 'Resposta da AliExpress:') + ' ' + detail;
      box.appendChild(span);
    }
  }

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
    var button = form.querySelector('[data-sac-submit]');
    var article = form.closest('[data-case-id]');
    var caseId = article ? article.getAttribute('data-case-id') : '';
    var kind = form.getAttribute('data-sac-form');
    var csrf = form.querySelector('input[name=_csrf]');
    form.dataset.pending = '1';
    if (button) { button.disabled = true; button.dataset.label = button.textContent; }
    showError(form, '');
    fetch(form.action, {
      method: 'POST', credentials: 'same-origin', body: new FormData(form),
      headers: { 'Accept': 'application/json', 'X-CSRF-Token': csrf ? csrf.value : '' }
    }).then(function (r) {
      return r.json().catch(function () { return { ok: false, message: 'HTTP ' + r.status }; });
    }).then(function (res) {
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
    });
  });
})();
