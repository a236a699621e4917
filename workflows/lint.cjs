// Reads BPMN XML on stdin; prints bpmnlint's findings (recommended rules) as JSON on stdout.
const { BpmnModdle } = require('bpmn-moddle');
const Linter = require('bpmnlint/lib/linter');
const NodeResolver = require('bpmnlint/lib/resolver/node-resolver');

async function main() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  const { rootElement } = await new BpmnModdle().fromXML(Buffer.concat(chunks).toString('utf8'));
  const linter = new Linter({
    config: { extends: 'bpmnlint:recommended' },
    resolver: new NodeResolver(),
  });
  const reports = await linter.lint(rootElement);
  const findings = [];
  for (const [rule, items] of Object.entries(reports)) {
    for (const item of items) findings.push({ rule, id: item.id || null, message: item.message });
  }
  process.stdout.write(JSON.stringify(findings));
}

main().catch((error) => {
  process.stderr.write(String(error && error.message ? error.message : error));
  process.exit(2);
});
