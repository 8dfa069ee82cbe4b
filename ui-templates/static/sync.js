// "Disputa de Sincronização": starts a sync without leaving the page and
// shows its progress by polling /sac/api/sync/status. The page stays usable.
// All text comes from data-t-* attributes filled from the message catalogs;
// values from the server are set with textContent, never as HTML.
(function () {
  'use strict';
  var panel = document.getElementById('sac-sync-panel');
  if (!panel) return;
  var list = panel.querySelector('.sac-sync-runs');
  var reload = panel.querySelector('.sac-sync-reload');
  var form = document.querySelector('form.sac-sync-form');
  var t = function (key) { return panel.getAttribute('data-t-' + key) || ''; };
  var fill = function (text, values) {
    return text.replace(/\{(\w+)\}/g, function (m, k) { return k in values ? String(values[k]) : m; });
  };
  var timer = null;
  var sawRunning = false;

  function render(runs) {
    list.textContent = '';
    runs.forEach(function (r) {
      var li = document.createElement('li');
      li.className = 'sac-sync-run sac-sync-' + r.state;
      li.setAttribute('data-store-id', r.store_id);
      var head = document.createElement('strong');
      head.textContent = r.store_name + ' — ' + t(r.state);
      li.appendChild(head);
      var bar = document.createElement('progress');
      var total = r.items_total > 0 ? r.items_total : r.pages_total;
      var done = r.items_total > 0 ? r.items_done : r.pages_done;
      bar.max = Math.max(total, 1);
      bar.value = r.state === 'done' ? bar.max : Math.min(done, bar.max);
      li.appendChild(bar);
      var detail = document.createElement('span');
      detail.className = 'sac-sync-detail';
      var parts = [fill(t('pages'), { done: r.pages_done, total: r.pages_total || '?' })];
      if (r.items_total > 0) parts.push(fill(t('items'), { done: r.items_done, total: r.items_total }));
      if (r.state !== 'running') {
        parts.push(fill(t('summary'), {
          'new': r['new'], updated: r.updated, unchanged: r.unchanged, failed: r.failed,
          duration: r.duration_text || '?'
        }));
      }
      detail.textContent = parts.join(' · ');
      li.appendChild(detail);
      if (r.error) {
        var err = document.createElement('p');
        err.className = 'sac-error';
        err.setAttribute('role', 'alert');
        err.textContent = r.error;
        li.appendChild(err);
      }
      if (r.last_success_at) {
        var ok = document.createElement('small');
        // Formatted by the server in the display zone, like every time on the page.
        ok.textContent = fill(t('last-ok'), { when: r.last_success_text || '' });
        li.appendChild(ok);
      }
      list.appendChild(li);
    });
    panel.hidden = runs.length === 0;
  }

  function poll() {
    fetch(panel.getAttribute('data-status-url'), { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (res) { return res.ok ? res.json() : Promise.reject(res.status); })
      .then(function (data) {
        render(data.runs || []);
        if (data.running) {
          sawRunning = true;
          timer = setTimeout(poll, 1000);
        } else {
          timer = null;
          if (sawRunning) reload.hidden = false;
        }
      })
      .catch(function () { timer = setTimeout(poll, 3000); });
  }

  if (form) {
    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      var button = form.querySelector('button[type=submit]');
      button.disabled = true;
      var csrf = form.querySelector('input[name=_csrf]').value;
      var store = form.querySelector('[name=store_id]');
      var body = store && store.value ? JSON.stringify({ store_id: Number(store.value) }) : '{}';
      fetch(panel.getAttribute('data-start-url'), {
        method: 'POST', credentials: 'same-origin', body: body,
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf, Accept: 'application/json' }
      }).then(function (res) {
        return res.json().then(function (data) { return { status: res.status, data: data }; });
      }).then(function (r) {
        var errors = (r.data.errors || []).map(function (e) { return e.message; });
        if (r.data.error) errors.push(r.data.error);
        if (errors.length) {
          var p = document.createElement('p');
          p.className = 'sac-error';
          p.setAttribute('role', 'alert');
          p.textContent = t('start-failed') + ': ' + errors.join(' ');
          panel.hidden = false;
          panel.insertBefore(p, list);
        }
        sawRunning = sawRunning || (r.data.runs || []).length > 0;
        if (!timer) poll();
      }).catch(function () {
        form.submit();
      }).finally(function () { button.disabled = false; });
    });
  }
  reload.addEventListener('click', function () { window.location.reload(); });
  poll();
})();
