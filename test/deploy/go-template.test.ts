// The template subset the chart tests render with: Go's semantics where they differ from a naive
// substitution (trim markers, scopes, map order, truthiness, number printing, nil fields).
import { describe, expect, it } from 'vitest';
import { TemplateError, TemplateSet, formatValue } from './go-template.ts';
import { checkShape } from './k8s-shape.ts';

function render(source: string, data: unknown, helpers = ''): string {
  const set = new TemplateSet();
  if (helpers) set.add('_helpers.tpl', helpers);
  set.add('t', source);
  return set.render('t', data);
}

describe('go-template', () => {
  it('trims whitespace at {{- and -}} markers only', () => {
    expect(render('a  {{- "b" -}}  \n c', {})).toBe('abc');
    expect(render('a {{ "b" }} c', {})).toBe('a b c');
    expect(render('x\n{{- /* gone */}}\ny', {})).toBe('x\ny');
  });

  it('evaluates fields, $ inside range and with, and missing keys as nothing', () => {
    const data = { Values: { a: { b: 'B' }, list: ['x', 'y'], name: 'N' } };
    expect(render('{{ .Values.a.b }}|{{ .Values.missing }}', data)).toBe('B|');
    expect(render('{{ range .Values.list }}{{ . }}{{ $.Values.name }},{{ end }}', data)).toBe('xN,yN,');
    expect(render('{{ with .Values.a }}{{ .b }}{{ else }}none{{ end }}', data)).toBe('B');
    expect(() => render('{{ .Values.missing.deeper }}', data)).toThrow(TemplateError);
  });

  it('calls a function-valued field with the arguments, as Go calls a method (.Files.Get)', () => {
    const data = { Files: { Get: (name: unknown) => (name === 'a.json' ? '{"a": 1}' : '') } };
    expect(render('{{ .Files.Get "a.json" }}|{{ .Files.Get "missing" }}', data)).toBe('{"a": 1}|');
    expect(render('{{ .Files.Get "a.json" | indent 2 }}', data)).toBe('  {"a": 1}');
    expect(() => render('{{ .Values.x "arg" }}', { Values: { x: 'text' } })).toThrow(/not a function/);
  });

  it('ranges over maps in key order with $key, $value', () => {
    expect(render('{{ range $k, $v := .m }}{{ $k }}={{ $v }};{{ end }}', { m: { b: 2, a: 1 } })).toBe('a=1;b=2;');
  });

  it('follows Go truthiness, else if chains, and variable assignment into an outer scope', () => {
    const t = '{{ $x := "none" }}{{ if .a }}{{ $x = "a" }}{{ else if .b }}{{ $x = "b" }}{{ end }}{{ $x }}';
    expect(render(t, { a: [], b: {} })).toBe('none');
    expect(render(t, { a: 0, b: 'yes' })).toBe('b');
    expect(render(t, { a: [1], b: 'yes' })).toBe('a');
  });

  it('includes defined templates and pipes them through nindent, toYaml and quote', () => {
    const helpers = '{{- define "labels" -}}\napp: {{ .name }}\ntier: {{ .tier | default "web" }}\n{{- end -}}';
    expect(render('metadata:\n  labels:\n    {{- include "labels" . | nindent 4 }}', { name: 'x' }, helpers)).toBe(
      'metadata:\n  labels:\n    app: x\n    tier: web',
    );
    expect(render('{{ toYaml .v }}', { v: { b: ['1', 'on'], a: 2 } })).toBe('a: 2\nb:\n- "1"\n- "on"');
    expect(render('{{ .v | quote }}', { v: 'say "hi"' })).toBe('"say \\"hi\\""');
  });

  it('prints numbers as Go prints float64 values, and int64 as integers', () => {
    expect(formatValue(8080)).toBe('8080');
    expect(formatValue(1_000_000)).toBe('1e+06');
    expect(formatValue(1_234_567)).toBe('1.234567e+06');
    expect(formatValue(0.5)).toBe('0.5');
    expect(render('{{ int64 .n }}', { n: 1_000_000 })).toBe('1000000');
  });

  it('refuses functions and constructs outside the subset instead of guessing', () => {
    expect(() => render('{{ tpl .x . }}', { x: '' })).toThrow(/not supported/);
    expect(() => render('{{ if .a }}open', { a: true })).toThrow(/without \{\{end\}\}/);
    expect(() => render('{{ .m }}', { m: { a: 1 } })).toThrow(/cannot print a map/);
  });
});

describe('k8s-shape', () => {
  it('reports unknown fields and wrong types with their path', () => {
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'x', labels: { a: true } },
      spec: {
        replicas: '2',
        selector: { matchLabels: { a: 'b' } },
        template: { spec: { containers: [{ name: 'c', image: 'i', readinessProbe: { httpGet: { paht: '/readyz', port: 'http' } } }] } },
      },
    };
    expect(checkShape(deployment, 'apps/v1', 'Deployment')).toEqual([
      'Deployment.metadata.labels.a: expected a string, got boolean true',
      'Deployment.spec.replicas: expected a number, got string "2"',
      'Deployment.spec.template.spec.containers[0].readinessProbe.httpGet.paht: not a field of V1HTTPGetAction',
    ]);
  });
});
