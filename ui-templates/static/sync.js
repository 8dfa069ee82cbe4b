// "Disputa de Sincronização": starts a sync without leaving the page and
// shows its progress by polling /sac/api/sync/status. The page stays usable.
// All text comes from data-t-* attributes filled from the message catalogs,
// or arrives from the server already written in the user's language, with
// its dates in the display zone and its numbers in the user's way: nothing
// here formats a date or a number. Values from the server are set with
// textContent, never as HTML.
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
  // The tab's "Próxima sincronização" of a store, and its automatic runs' failure.
  function updateSchedule(r) {
    var next = document.getElementById('sac-next-sync-' + r.store_id);
    if (next && r.next_sync_text) next.textContent = r.next_sync_text;
    var problem = document.getElementById('sac-schedule-failure-' + r.store_id);
    if (!problem) return;
    problem.textContent = '';
    if (r.schedule_failure_text) {
      problem.appendChild(document.createElement('br'));
      var failure = document.createElement('span');
      failure.className = 'sac-error sac-schedule-failure';
      failure.setAttribute('role', 'status');
      failure.textContent = r.schedule_failure_text;
      problem.appendChild(failure);
      if (r.schedule_reason_text) {
        var reason = document.createElement('small');
        reason.className = 'sac-schedule-reason';
        reason.textContent = ' ' + r.schedule_reason_text;
        problem.appendChild(reason);
      }
    }
  }
  var timer = null;
  var sawRunning = false;

  function render(runs) {
    list.textContent = '';
    runs.forEach(function (r) {
      var li = document.createElement('li');
      li.className = 'sac-sync-run sac-sync-' + r.state;
      li.setAttribute('data-store-id', r.store_id);
      var head = document.createElement('strong');
      head.textContent = r.store_name + ' — ' + t(r.state) + (r.trigger_text ? ' (' + r.trigger_text + ')' : '');
      li.appendChild(head);
      var bar = document.createElement('progress');
      var total = r.items_total > 0 ? r.items_total : r.pages_total;
      var done = r.items_total > 0 ? r.items_done : r.pages_done;
      bar.max = Math.max(total, 1);
      bar.value = r.state === 'done' ? bar.max : Math.min(done, bar.max);
      li.appendChild(bar);
      var detail = document.createElement('span');
      detail.className = 'sac-sync-detail';
      detail.textContent = r.detail_text || '';
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
      if (r.schedule_failure_text) {
        var again = document.createElement('small');
        again.className = 'sac-error sac-sync-retry';
        again.textContent = r.schedule_failure_text;
        li.appendChild(again);
      }
      if (r.next_sync_text) {
        var next = document.createElement('small');
        next.className = 'sac-sync-next';
        next.textContent = r.next_sync_text;
        li.appendChild(next);
      }
      list.appendChild(li);
      updateSchedule(r);
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
