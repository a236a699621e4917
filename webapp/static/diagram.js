/* Draws a case's pathway diagrams with bpmn-js and marks the steps done, ready and waiting. */
(function () {
  'use strict';
  var root = document.getElementById('diagram');
  var picker = document.getElementById('process');
  if (!root || !picker || typeof BpmnJS === 'undefined') { return; }
  var status = root.querySelector('.diagram-status');
  var labels = window.HomecomingLabels ? window.HomecomingLabels.modules : [];
  var viewer = new BpmnJS({ container: root.querySelector('.canvas'), additionalModules: labels });
  var data = null;

  function mark(processId) {
    var canvas = viewer.get('canvas');
    var registry = viewer.get('elementRegistry');
    var marks = data.marks[processId] || {};
    Object.keys(marks).forEach(function (id) {
      if (registry.get(id)) { canvas.addMarker(id, 'mark-' + marks[id]); }
    });
  }

  function show(processId) {
    var xml = data.diagrams[processId];
    if (!xml) { return Promise.resolve(); }
    return viewer.importXML(xml).then(function () {
      mark(processId);
      viewer.get('canvas').zoom('fit-viewport');
      status.textContent = '';
      var url = new URL(window.location.href);
      url.searchParams.set('process', processId);
      window.history.replaceState(null, '', url);
    });
  }

  function fail() { status.textContent = root.dataset.error; }

  // A click on a phase of the whole pathway opens that phase's diagram.
  viewer.on('element.click', function (event) {
    var called = event.element.businessObject && event.element.businessObject.calledElement;
    if (called && data && data.diagrams[called]) {
      picker.value = called;
      show(called).catch(fail);
    }
  });

  picker.addEventListener('change', function () { show(picker.value).catch(fail); });

  fetch(root.dataset.source, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
    .then(function (response) {
      if (!response.ok) { throw new Error(response.status); }
      return response.json();
    })
    .then(function (json) { data = json; return show(picker.value); })
    .catch(fail);
}());
