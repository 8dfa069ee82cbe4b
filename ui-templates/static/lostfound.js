// Lost & Found case page: copies the case text to the clipboard
// (navigator.clipboard, or a selection + execCommand fallback on pages that
// are not a secure context). Text is read from the read-only field.
(function () {
  'use strict';
  var button = document.getElementById('sac-lf-copy');
  if (!button) return;
  var status = document.getElementById('sac-lf-copy-status');
  var say = function (key) { status.textContent = button.getAttribute('data-t-' + key) || ''; };
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
})();
