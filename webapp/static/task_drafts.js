/* Saves what the worker types in a task form as a draft on the server
   (workflows/task_drafts.py) a moment after they stop typing: an expired session loses nothing. */
(function () {
  'use strict';
  var DELAY_MS = 800;

  function answers(form) {
    var values = {};
    new FormData(form).forEach(function (value, name) {
      if (name === 'csrf_token' || typeof value !== 'string') { return; }
      (values[name] = values[name] || []).push(value);
    });
    // An emptied field or unticked boxes are part of the draft too.
    form.querySelectorAll('input[name], select[name], textarea[name]').forEach(function (input) {
      if (input.type !== 'hidden' && !input.disabled && !(input.name in values)) {
        values[input.name] = [];
      }
    });
    return values;
  }

  function save(form, status) {
    var token = form.querySelector('input[name=csrf_token]');
    fetch(form.getAttribute('data-draft-url'), {
      method: 'POST',
      credentials: 'same-origin',
      redirect: 'manual',
      headers: { 'Content-Type': 'application/json', 'X-CSRFToken': token ? token.value : '' },
      body: JSON.stringify({ answers: answers(form) })
    }).then(function (response) {
      var ok = response.status === 204;
      status.textContent = form.getAttribute(ok ? 'data-draft-saved' : 'data-draft-failed');
    }).catch(function () {
      status.textContent = form.getAttribute('data-draft-failed');
    });
  }

  document.querySelectorAll('form[data-draft-url]').forEach(function (form) {
    var status = form.querySelector('.draft-status');
    var timer = null;
    function later() {
      clearTimeout(timer);
      timer = setTimeout(function () { save(form, status); }, DELAY_MS);
    }
    form.addEventListener('input', later);
    form.addEventListener('change', later);
    form.addEventListener('submit', function () { clearTimeout(timer); });
  });
}());
