/* Shows a conditional field only when the earlier answer it depends on applies.
   The field macro marks it with data-shown-when (the answer's name) and data-shown-values;
   without this script every field stays shown with its "Only if …" hint. */
(function () {
  'use strict';

  function answers(form, name) {
    var values = [];
    form.querySelectorAll('[name="' + CSS.escape(name) + '"]').forEach(function (input) {
      if (input.disabled) { return; }
      if (input.tagName === 'SELECT') {
        Array.prototype.forEach.call(input.selectedOptions, function (o) { values.push(o.value); });
      } else if (input.type === 'radio' || input.type === 'checkbox') {
        if (input.checked) { values.push(input.value); }
      } else {
        values.push(input.value);
      }
    });
    return values;
  }

  function update(form) {
    // In document order, so that a field depending on a hidden one is hidden too.
    form.querySelectorAll('[data-shown-when]').forEach(function (field) {
      var wanted = field.getAttribute('data-shown-values').split(' ');
      var given = answers(form, field.getAttribute('data-shown-when'));
      var shown = given.some(function (value) { return wanted.indexOf(value) !== -1; });
      field.hidden = !shown;
      // A hidden field sends nothing (the server would ignore it anyway).
      field.querySelectorAll('input, select, textarea').forEach(function (input) {
        input.disabled = !shown;
      });
    });
  }

  document.querySelectorAll('form').forEach(function (form) {
    if (!form.querySelector('[data-shown-when]')) { return; }
    form.addEventListener('change', function () { update(form); });
    update(form);
  });
}());
