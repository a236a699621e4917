/* Draws each changed process before and after, marking what was added, removed or changed. */
(function () {
  'use strict';
  var source = document.getElementById('diff-data');
  if (!source || typeof BpmnJS === 'undefined') { return; }
  var views = JSON.parse(source.textContent);
  document.querySelectorAll('.diff-canvas').forEach(function (container) {
    var view = views[container.dataset.process];
    var side = container.dataset.side;
    var xml = view && view[side];
    if (!xml) { container.textContent = '—'; return; }
    var viewer = new BpmnJS({ container: container });
    viewer.importXML(xml).then(function () {
      var canvas = viewer.get('canvas');
      var registry = viewer.get('elementRegistry');
      var marks = view['marks_' + side];
      Object.keys(marks).forEach(function (id) {
        if (registry.get(id)) { canvas.addMarker(id, 'mark-' + marks[id]); }
      });
      canvas.zoom('fit-viewport');
    });
  });
}());
