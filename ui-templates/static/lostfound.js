// Lost & Found pages.
// Case page and inbound e-mail page: copy buttons (the case text, the
// account's inbound address) use navigator.clipboard, or a selection +
// execCommand fallback on pages that are not a secure context.
// List page: while a search of a store runs, shows its progress from
// /sac/api/lost-found/status every second and reloads the list when it ends.
(function () {
  'use strict';

  // Every button with data-copy-target copies that field; its status element is
  // data-copy-status (default sac-lf-copy-status).
  function setUpCopy() {
    var buttons = document.querySelectorAll('button[data-copy-target]');
    Array.prototype.forEach.call(buttons, function (button) {
      var status = document.getElementById(button.getAttribute('data-copy-status') || 'sac-lf-copy-status');
      var say = function (key) { if (status) status.textContent = button.getAttribute('data-t-' + key) || ''; };
      function fallback(field) {
        field.focus();
        field.select();
        var ok = false;
        try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
        say(ok ? 'copied' : 'failed');
      }
      button.addEventListener('click', function () {
        var field = document.getElementById(button.getAttribute('data-copy-target'));
        if (!field) return;
        var subject = document.getElementById('sac-lf-subject');
        var text = field.value;
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(text).then(function () { say('copied'); }, function () { fallback(field); });
        } else {
          fallback(field);
        }
        if (subject) subject.setAttribute('data-copied', 'true');
      });
    });
  }

  function setUpProgress() {
    var root = document.getElementById('sac-lostfound');
    if (!root || !root.querySelector('[data-run-state="running"]')) return;
    var failures = 0;
    function tick() {
      fetch('/sac/api/lost-found/status', { headers: { 'Accept': 'application/json' }, credentials: 'same-origin' })
        .then(function (r) { if (!r.ok) throw new Error('HTTP ' + r.status); return r.json(); })
        .then(function (status) {
          failures = 0;
          var finished = false;
          (status.runs || []).forEach(function (run) {
            var cell = document.getElementById('sac-lf-run-' + run.store_id);
            if (!cell) return;
            var was = cell.getAttribute('data-run-state');
            cell.setAttribute('data-run-state', run.state);
            var label = cell.querySelector('.sac-lf-run-label');
            // The server's own words: stage, counts and elapsed time in the user's language and
            // number format. Nothing here formats a number or a date.
            if (label && run.label) label.textContent = run.label;
            if (was === 'running' && run.state !== 'running') finished = true;
          });
          if (finished && !status.running) {
            var url = new URL(window.location.href);
            url.searchParams.delete('notice');
            window.location.replace(url.toString());
            return;
          }
          if (status.running) window.setTimeout(tick, 1000);
        })
        .catch(function () {
          failures += 1;
          if (failures < 5) window.setTimeout(tick, 2000);
        });
    }
    window.setTimeout(tick, 500);
  }

  setUpCopy();
  setUpProgress();
})();
