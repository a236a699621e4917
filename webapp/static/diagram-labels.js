/* Diagram labels in the page's language: on a Chinese page a shape whose diagram carries a
   Chinese name (`camunda:property name="name_zh"`) is drawn with it. Only the drawing changes:
   the diagram's XML, and what the modeler saves, keep their names as they are. */
(function (global) {
  'use strict';

  function chineseName(bo) {
    var values = (bo && bo.extensionElements && bo.extensionElements.values) || [];
    for (var i = 0; i < values.length; i++) {
      // camunda:Properties with the Camunda extension loaded (modeler), a generic element without
      var entries = values[i].values || values[i].$children || [];
      for (var j = 0; j < entries.length; j++) {
        if (entries[j].name === 'name_zh' && entries[j].value) { return entries[j].value; }
      }
    }
    return null;
  }

  function ChineseLabels(eventBus, bpmnRenderer) {
    // Before bpmn-js's own renderer (priority 1000): draw with the Chinese name, then put back.
    eventBus.on('render.shape', 1500, function (event, context) {
      var element = context.element;
      var bo = element.businessObject;
      var name = chineseName(bo);
      if (!name || !bpmnRenderer.canRender(element)) { return; }
      var own = bo.name;
      bo.name = name;
      try {
        return bpmnRenderer.drawShape(context.gfx, element, context.attrs);
      } finally {
        bo.name = own;
      }
    });
  }
  ChineseLabels.$inject = ['eventBus', 'bpmnRenderer'];

  var chinese = /^zh/i.test(document.documentElement.lang || '');
  global.HomecomingLabels = {
    modules: chinese ? [{ __init__: ['chineseLabels'], chineseLabels: ['type', ChineseLabels] }] : [],
    chineseName: chineseName
  };
}(window));
