/* The diagram editor: bpmn-js with its properties panel and a "Homecoming" group.
 *
 * Built by esbuild (`make vendor`) into webapp/static/vendor/modeler/modeler.bundle.js.
 * What the Homecoming group writes stays standard BPMN + Camunda attributes:
 * camunda:formKey and camunda:dueDate on user tasks, their plan measure, lead and supporting
 * departments as camunda:properties (workflows/measures.py), bpmn:conditionExpression on flows
 * leaving a gateway. The page (templates/modeler/edit.html) gives the URLs and the texts.
 */
import BpmnModeler from 'bpmn-js/lib/Modeler';
import { is, getBusinessObject } from 'bpmn-js/lib/util/ModelUtil';
import {
  BpmnPropertiesPanelModule,
  BpmnPropertiesProviderModule,
  CamundaPlatformPropertiesProviderModule,
  useService
} from 'bpmn-js-properties-panel';
import CamundaBehaviorsModule from 'camunda-bpmn-js-behaviors/lib/camunda-platform';
import { SelectEntry, TextFieldEntry, TextAreaEntry } from '@bpmn-io/properties-panel';
import { h } from '@bpmn-io/properties-panel/preact';
import camundaModdle from 'camunda-bpmn-moddle/resources/camunda.json';
import TranslateModule from './translate';
import { formOptions } from './form_options';

const root = document.getElementById('modeler');
const config = root ? root.dataset : {};
const T = root ? JSON.parse(document.getElementById('modeler-texts').textContent) : {};

// Filled from the server before the modeler starts; read by the panel components.
const lookups = { forms: [], fields: [], measures: [], departments: [] };

const DURATION = /^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/;

function text(key, values) {
  let result = T[key] || key;
  Object.keys(values || {}).forEach((name) => { result = result.replace(`{${name}}`, values[name]); });
  return result;
}

/* The lane a flow node sits in: its flowNodeRef, else the lane shape under its centre. */
function laneOf(element, elementRegistry) {
  const lanes = getBusinessObject(element).get('lanes') || [];
  if (lanes.length) { return lanes[lanes.length - 1]; }
  const x = element.x + element.width / 2;
  const y = element.y + element.height / 2;
  const hits = elementRegistry.filter((shape) => is(shape, 'bpmn:Lane') &&
    x >= shape.x && x <= shape.x + shape.width && y >= shape.y && y <= shape.y + shape.height);
  return hits.length ? hits[hits.length - 1].businessObject : null;
}

// ---- panel components: defined once at module level (inline components lose their input) ----

/* A drop-down's options: the empty choice, then `options`, then the diagram's current value if
 * the server lists no such choice (labelled by `unknown`), so opening and saving never drops it. */
function choices(emptyLabel, options, current, known, unknown) {
  const all = [{ value: '', label: emptyLabel }].concat(options);
  if (current && !known.includes(current)) { all.push({ value: current, label: unknown(current) }); }
  return all;
}

function FormEntry(props) {
  const { element, id } = props;
  const modeling = useService('modeling');
  const elementRegistry = useService('elementRegistry');
  const key = getBusinessObject(element).get('camunda:formKey');
  const form = lookups.forms.find((candidate) => candidate.key === key);
  const lane = laneOf(element, elementRegistry);
  const elsewhere = form && lane && form.department && form.department !== lane.name;
  const department = elsewhere ? (form.department_name || form.department) : '';
  return h(SelectEntry, {
    element,
    id,
    label: text('form'),
    description: elsewhere ? text('form_elsewhere', { department }) : undefined,
    getValue: () => getBusinessObject(element).get('camunda:formKey') || '',
    setValue: (value) => modeling.updateProperties(element, { 'camunda:formKey': value || undefined }),
    getOptions: () => choices(
      text('no_form'),
      formOptions(lookups.forms, lane ? lane.name : null, text),
      getBusinessObject(element).get('camunda:formKey'),
      lookups.forms.map((form) => form.key),
      (key) => text('unknown_form', { key }))
  });
}

function DueEntry(props) {
  const { element, id } = props;
  const modeling = useService('modeling');
  const debounce = useService('debounceInput');
  return h(TextFieldEntry, {
    element,
    id,
    label: text('due'),
    description: text('due_hint'),
    debounce,
    getValue: () => getBusinessObject(element).get('camunda:dueDate') || '',
    setValue: (value) => modeling.updateProperties(element, { 'camunda:dueDate': value || undefined }),
    validate: (value) => (value && !DURATION.test(value) ? text('due_invalid') : null)
  });
}

function DepartmentEntry(props) {
  const { element, id } = props;
  const elementRegistry = useService('elementRegistry');
  return h(TextFieldEntry, {
    element,
    id,
    label: text('department'),
    description: text('department_hint'),
    disabled: true,
    debounce: (fn) => fn,
    getValue: () => {
      const lane = laneOf(element, elementRegistry);
      return lane ? (lane.name || lane.id) : text('no_lane');
    },
    setValue: () => {}
  });
}

// ---- the step's tags: one camunda:properties block per element, other properties kept ----

function propertiesBlock(element) {
  const extensions = getBusinessObject(element).get('extensionElements');
  const values = extensions ? extensions.get('values') || [] : [];
  return values.find((value) => is(value, 'camunda:Properties')) || null;
}

function tag(element, name) {
  const block = propertiesBlock(element);
  const found = block ? (block.get('values') || []).find((p) => p.name === name) : null;
  return found ? found.value || '' : '';
}

/* Set (or with an empty value remove) one property, creating the blocks it needs. */
function setTag(element, name, value, modeling, bpmnFactory) {
  const bo = getBusinessObject(element);
  let extensions = bo.get('extensionElements');
  if (!extensions) {
    if (!value) { return; }
    extensions = bpmnFactory.create('bpmn:ExtensionElements', { values: [] });
    modeling.updateProperties(element, { extensionElements: extensions });
  }
  let block = propertiesBlock(element);
  if (!block) {
    if (!value) { return; }
    block = bpmnFactory.create('camunda:Properties', { values: [] });
    block.$parent = extensions;
    modeling.updateModdleProperties(element, extensions,
      { values: (extensions.get('values') || []).concat([block]) });
  }
  const values = block.get('values') || [];
  const existing = values.find((p) => p.name === name);
  if (!value) {
    if (existing) { modeling.updateModdleProperties(element, block, { values: values.filter((p) => p !== existing) }); }
  } else if (existing) {
    modeling.updateModdleProperties(element, existing, { value });
  } else {
    const property = bpmnFactory.create('camunda:Property', { name, value });
    property.$parent = block;
    modeling.updateModdleProperties(element, block, { values: values.concat([property]) });
  }
}

function MeasureEntry(props) {
  const { element, id } = props;
  const modeling = useService('modeling');
  const bpmnFactory = useService('bpmnFactory');
  return h(SelectEntry, {
    element,
    id,
    label: text('measure'),
    description: text('measure_hint'),
    getValue: () => tag(element, 'measure'),
    setValue: (value) => setTag(element, 'measure', value, modeling, bpmnFactory),
    getOptions: () => choices(
      text('no_measure'),
      lookups.measures.map((m) => ({ value: m.code, label: `${m.code} ${m.title}` })),
      tag(element, 'measure'),
      lookups.measures.map((m) => m.code),
      (code) => text('unknown_measure', { code }))
  });
}

function LeadEntry(props) {
  const { element, id } = props;
  const modeling = useService('modeling');
  const bpmnFactory = useService('bpmnFactory');
  return h(SelectEntry, {
    element,
    id,
    label: text('lead'),
    description: text('lead_hint'),
    getValue: () => tag(element, 'lead'),
    setValue: (value) => setTag(element, 'lead', value, modeling, bpmnFactory),
    getOptions: () => [{ value: '', label: text('no_lead') }].concat(
      lookups.departments.map((d) => ({ value: d.code, label: d.name })))
  });
}

function SupportingEntry(props) {
  const { element, id } = props;
  const modeling = useService('modeling');
  const bpmnFactory = useService('bpmnFactory');
  const debounce = useService('debounceInput');
  const known = lookups.departments.map((d) => d.code);
  return h(TextFieldEntry, {
    element,
    id,
    label: text('supporting'),
    description: text('supporting_hint'),
    debounce,
    getValue: () => tag(element, 'supporting'),
    setValue: (value) => {
      const codes = (value || '').split(',').map((code) => code.trim()).filter(Boolean);
      setTag(element, 'supporting', codes.join(','), modeling, bpmnFactory);
    },
    validate: (value) => {
      const unknown = (value || '').split(',').map((code) => code.trim())
        .find((code) => code && !known.includes(code));
      return unknown ? text('supporting_invalid', { code: unknown, departments: known.join(', ') }) : null;
    }
  });
}

function ConditionEntry(props) {
  const { element, id } = props;
  const modeling = useService('modeling');
  const bpmnFactory = useService('bpmnFactory');
  const debounce = useService('debounceInput');
  return h(TextAreaEntry, {
    element,
    id,
    label: text('condition'),
    description: text('condition_hint', { fields: lookups.fields.join(', ') || '—' }),
    debounce,
    monospace: true,
    rows: 2,
    getValue: () => {
      const expression = getBusinessObject(element).get('conditionExpression');
      return expression ? expression.get('body') || '' : '';
    },
    setValue: (value) => {
      const expression = value && value.trim()
        ? bpmnFactory.create('bpmn:FormalExpression', { body: value })
        : undefined;
      modeling.updateProperties(element, { conditionExpression: expression });
    }
  });
}

function HomecomingProvider(propertiesPanel) {
  propertiesPanel.registerProvider(400, this);
}
HomecomingProvider.$inject = ['propertiesPanel'];

HomecomingProvider.prototype.getGroups = function (element) {
  return function (groups) {
    let entries = null;
    if (is(element, 'bpmn:UserTask')) {
      entries = [
        { id: 'homecoming-form', component: FormEntry },
        { id: 'homecoming-due', component: DueEntry },
        { id: 'homecoming-department', component: DepartmentEntry },
        { id: 'homecoming-measure', component: MeasureEntry },
        { id: 'homecoming-lead', component: LeadEntry },
        { id: 'homecoming-supporting', component: SupportingEntry }
      ];
    } else if (is(element, 'bpmn:SequenceFlow') && element.source &&
               is(element.source, 'bpmn:Gateway')) {
      entries = [{ id: 'homecoming-condition', component: ConditionEntry }];
    }
    if (entries) {
      const group = { id: 'homecoming', label: text('group'), entries };
      const general = groups.findIndex((g) => g.id === 'general');
      groups.splice(general + 1, 0, group);
    }
    return groups;
  };
};

const HomecomingModule = {
  __init__: ['homecomingProvider'],
  homecomingProvider: ['type', HomecomingProvider]
};

// ---- the page ----

function $(selector) { return root.querySelector(selector); }

async function fetchJSON(url) {
  const response = await fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
  if (!response.ok) { throw new Error(`${url}: ${response.status}`); }
  return response.json();
}

function setStatus(message, kind) {
  const status = $('#modeler-status');
  status.textContent = message;
  status.className = `modeler-status ${kind || ''}`;
}

let modeler = null;
let marked = [];

function clearProblems() {
  const canvas = modeler.get('canvas');
  modeler.get('overlays').remove({ type: 'problem' });
  marked.forEach((id) => { if (modeler.get('elementRegistry').get(id)) { canvas.removeMarker(id, 'has-problem'); } });
  marked = [];
}

function showProblems(problems) {
  clearProblems();
  const list = $('#problems-list');
  const registry = modeler.get('elementRegistry');
  const canvas = modeler.get('canvas');
  const overlays = modeler.get('overlays');
  list.replaceChildren();
  $('#problems-none').hidden = problems.length > 0;
  problems.forEach((problem) => {
    const item = document.createElement('li');
    item.className = `problem ${problem.severity || 'error'}`;
    const element = problem.element ? registry.get(problem.element) : null;
    if (element) {
      const link = document.createElement('button');
      link.type = 'button';
      link.className = 'link';
      link.textContent = (element.businessObject && element.businessObject.name) || element.id;
      link.addEventListener('click', () => {
        modeler.get('selection').select(element);
        canvas.scrollToElement(element);
      });
      item.append(link, ': ');
      if (!marked.includes(element.id)) {
        canvas.addMarker(element.id, 'has-problem');
        marked.push(element.id);
      }
      const note = document.createElement('div');
      note.className = `problem-overlay ${problem.severity || 'error'}`;
      note.textContent = problem.message;
      note.title = problem.message;
      const below = element.waypoints ? { top: 4, left: 4 } : { top: (element.height || 0) + 4, left: 0 };
      overlays.add(element.id, 'problem', { position: below, html: note });
    }
    item.append(problem.message);
    list.append(item);
  });
}

async function currentXML() {
  const { xml } = await modeler.saveXML({ format: true });
  return xml;
}

async function post(url, body, contentType) {
  return fetch(url, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': contentType, 'X-CSRFToken': config.csrf, Accept: 'application/json' },
    body
  });
}

async function saveDraft() {
  const response = await post(config.draftUrl, await currentXML(), 'application/xml');
  let data;
  try { data = await response.json(); } catch { data = {}; }
  if (!response.ok || !data.saved) {
    if (data.problems) { showProblems(data.problems); }
    throw new Error(text('save_failed'));
  }
  showProblems(data.problems || []);
  return data;
}

function busy(flag) {
  root.querySelectorAll('.toolbar button').forEach((button) => { button.disabled = flag; });
  root.setAttribute('aria-busy', flag ? 'true' : 'false');
}

async function onSave() {
  busy(true);
  setStatus(text('saving'));
  try {
    const data = await saveDraft();
    dirty = false;
    const problems = data.problems || [];
    if (!problems.length) {
      setStatus(text('saved'), 'ok');
    } else {
      setStatus(text('saved_with_problems'), problems.some((p) => p.severity === 'error') ? 'bad' : 'warn');
    }
  } catch (error) {
    setStatus(error.message, 'bad');
  } finally {
    busy(false);
  }
}

async function onDeploy(event) {
  event.preventDefault();
  const comment = $('#deploy-comment');
  if (!comment.value.trim()) {
    setStatus(text('comment_required'), 'bad');
    comment.focus();
    return;
  }
  busy(true);
  setStatus(text('deploying'));
  try {
    await saveDraft();
    dirty = false;
    const response = await post(config.deployUrl, JSON.stringify({ comment: comment.value.trim() }),
      'application/json');
    let data;
    try { data = await response.json(); } catch { data = {}; }
    if (response.ok && data.version !== undefined) {
      showProblems([]);
      comment.value = '';
      setStatus(text('deployed', { version: data.version }), 'ok');
    } else if (data.problems && data.problems.length) {
      showProblems(data.problems);
      setStatus(text('deploy_refused'), 'bad');
    } else {
      setStatus(text('deploy_failed'), 'bad');
    }
  } catch (error) {
    setStatus(error.message, 'bad');
  } finally {
    busy(false);
  }
}

async function onDownload() {
  const blob = new Blob([await currentXML()], { type: 'application/xml' });
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = `${config.processId}.bpmn`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}

let dirty = false;

async function start() {
  const [forms, fields, measures, xml] = await Promise.all([
    fetchJSON(config.formsUrl).catch(() => []),
    fetchJSON(config.fieldsUrl).catch(() => []),
    fetchJSON(config.measuresUrl).catch(() => ({ measures: [], departments: [] })),
    fetch(config.xmlUrl, { credentials: 'same-origin' }).then((response) => {
      if (!response.ok) { throw new Error(text('load_failed')); }
      return response.text();
    })
  ]);
  lookups.forms = forms;
  lookups.fields = fields;
  lookups.measures = measures.measures;
  lookups.departments = measures.departments;
  modeler = new BpmnModeler({
    container: $('#canvas'),
    propertiesPanel: {
      parent: $('#properties'),
      layout: { groups: { general: { open: true }, homecoming: { open: true } } }
    },
    additionalModules: [
      BpmnPropertiesPanelModule,
      BpmnPropertiesProviderModule,
      CamundaPlatformPropertiesProviderModule,
      CamundaBehaviorsModule,
      HomecomingModule,
      TranslateModule,
      ...(window.HomecomingLabels ? window.HomecomingLabels.modules : [])
    ],
    moddleExtensions: { camunda: camundaModdle }
  });
  window.homecomingModeler = modeler;
  await modeler.importXML(xml);
  modeler.get('canvas').zoom('fit-viewport');
  modeler.on('commandStack.changed', () => {
    dirty = true;
    setStatus(text('unsaved'));
  });
  $('#save').addEventListener('click', onSave);
  $('#deploy-form').addEventListener('submit', onDeploy);
  $('#download').addEventListener('click', onDownload);
  root.classList.add('ready');
  setStatus('');
}

if (root) {
  window.addEventListener('beforeunload', (event) => {
    if (dirty) { event.preventDefault(); event.returnValue = ''; }
  });
  start().catch((error) => {
    setStatus(error.message || text('load_failed'), 'bad');
  });
}
