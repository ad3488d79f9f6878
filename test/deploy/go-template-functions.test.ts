// Every function the chart renderer (go-template.ts) claims, checked against the examples and
// rules in Helm's "Template Function List" and Go's text/template documentation: the expected
// values below are the documented results, not what the renderer happened to print.
import { describe, expect, it } from 'vitest';
import { SUPPORTED_FUNCTIONS, TemplateError, TemplateSet } from './go-template.ts';

function render(source: string, data: unknown = {}): string {
  const set = new TemplateSet();
  set.add('t', source);
  return set.render('t', data);
}

describe('Helm template functions as documented', () => {
  it('string functions: quote, trunc, trimSuffix, trimPrefix, hasPrefix, hasSuffix, contains, replace, lower, upper', () => {
    expect(render('{{ quote "hello" }}')).toBe('"hello"');
    expect(render('{{ quote "a" "b" }}')).toBe('"a" "b"');
    expect(render('{{ trunc 5 "hello world" }}')).toBe('hello');
    expect(render('{{ trunc -5 "hello world" }}')).toBe('world');
    expect(render('{{ trimSuffix "-" "hello-" }}')).toBe('hello');
    expect(render('{{ trimPrefix "-" "-hello" }}')).toBe('hello');
    expect(render('{{ hasPrefix "cat" "catch" }} {{ hasSuffix "ch" "catch" }} {{ hasPrefix "dog" "catch" }}')).toBe('true true false');
    expect(render('{{ contains "cat" "catch" }}')).toBe('true');
    expect(render('{{ "I Am Henry VIII" | replace " " "-" }}')).toBe('I-Am-Henry-VIII');
    expect(render('{{ lower "HELLO" }} {{ upper "hello" }}')).toBe('hello HELLO');
  });

  it('default and empty treat 0, "", [], {}, false and nil as empty', () => {
    const data = { zero: 0, blank: '', list: [], map: {}, no: false, set: 'x' };
    for (const key of ['zero', 'blank', 'list', 'map', 'no', 'missing']) {
      expect(render(`{{ default "foo" .${key} }}`, data), key).toBe('foo');
      expect(render(`{{ empty .${key} }}`, data), key).toBe('true');
    }
    expect(render('{{ .set | default "foo" }} {{ empty .set }}', data)).toBe('x false');
  });

  it('required and fail stop rendering with their message', () => {
    expect(() => render('{{ required "A valid foo is required!" .foo }}')).toThrow(/A valid foo is required!/);
    expect(render('{{ required "A valid foo is required!" .foo }}', { foo: 'bar' })).toBe('bar');
    expect(() => render('{{ fail "Please accept the end user license agreement" }}')).toThrow(/Please accept the end user license agreement/);
  });

  it('indent and nindent indent every line; nindent starts with a newline', () => {
    expect(render('{{ indent 4 "a\\nb" }}')).toBe('    a\n    b');
    expect(render('x:{{ "a\\nb" | nindent 2 }}')).toBe('x:\n  a\n  b');
  });

  it('toYaml and toJson serialise values (toJson sorts map keys, as Go does)', () => {
    expect(render('{{ toJson .v }}', { v: { b: 1, a: [true, 'x'] } })).toBe('{"a":[true,"x"],"b":1}');
    expect(render('{{ toYaml .v }}', { v: { name: 'x', list: [1, 2] } })).toBe('list:\n- 1\n- 2\nname: x');
  });

  it('printf and print follow fmt.Sprintf and fmt.Sprint', () => {
    expect(render('{{ printf "%s has %d dogs." .Name .NumberDogs }}', { Name: 'Sally', NumberDogs: 3 })).toBe('Sally has 3 dogs.');
    expect(render('{{ printf "%v and %q, 100%%" .a .b }}', { a: 'x', b: 'y' })).toBe('x and "y", 100%');
    // Sprint adds a space between operands when neither is a string.
    expect(render('{{ print "a" "b" }}|{{ print 1 2 }}|{{ print "a" 1 2 "b" }}')).toBe('ab|1 2|a1 2b');
  });

  it('comparison and logic: eq (any of several), ne, lt, gt, and, or, not', () => {
    expect(render('{{ eq .a 1 }} {{ eq .a 2 3 1 }} {{ ne .a 1 }}', { a: 1 })).toBe('true true false');
    expect(render('{{ lt 1 2 }} {{ gt 1 2 }} {{ lt "a" "b" }} {{ gt "b" "a" }}')).toBe('true false true true');
    // and: the first empty argument or the last; or: the first non-empty or the last.
    expect(render('{{ and 1 0 2 }}|{{ and 1 2 }}|{{ or 0 "" "x" }}|{{ or 0 "" }}|{{ not 0 }}')).toBe('0|2|x||true');
    expect(() => render('{{ eq 1 "1" }}')).toThrow(/incompatible types for comparison/);
  });

  it('index, hasKey and toString', () => {
    const data = { m: { a: { b: 'deep' } }, list: ['x', 'y'] };
    expect(render('{{ index .m "a" "b" }} {{ index .list 1 }}', data)).toBe('deep y');
    expect(render('{{ hasKey .m "a" }} {{ hasKey .m "z" }}', data)).toBe('true false');
    expect(render('{{ toString 5 }}{{ toString "s" }}')).toBe('5s');
  });

  it('int and int64 convert like Sprig (strings parse, floats truncate)', () => {
    expect(render('{{ int64 "42" }} {{ int 3.9 }} {{ int64 .n }}', { n: 1e7 })).toBe('42 3 10000000');
  });

  it('sha256sum gives the hex digest (the documented example)', () => {
    expect(render('{{ sha256sum "Hello world!" }}')).toBe('c0535e4be2b79ffd93291305436bf889314e4a3faec05ecffcbb7df31ad9e51a');
  });

  it('include renders a defined template with the given data', () => {
    expect(render('{{ define "x" }}[{{ . }}]{{ end }}{{ include "x" "v" | upper }}')).toBe('[V]');
  });

  it('claims exactly the functions tested here, and refuses others by name', () => {
    expect([...SUPPORTED_FUNCTIONS].sort()).toEqual(
      [
        'and',
        'contains',
        'default',
        'empty',
        'eq',
        'fail',
        'gt',
        'hasKey',
        'hasPrefix',
        'hasSuffix',
        'include',
        'indent',
        'index',
        'int',
        'int64',
        'lower',
        'lt',
        'ne',
        'nindent',
        'not',
        'or',
        'print',
        'printf',
        'quote',
        'replace',
        'required',
        'sha256sum',
        'toJson',
        'toString',
        'toYaml',
        'trimPrefix',
        'trimSuffix',
        'trunc',
        'upper',
      ].sort(),
    );
    for (const unsupported of ['tpl', 'lookup', 'dict', 'list', 'b64enc', 'regexMatch', 'semverCompare', 'now', 'squote', 'len']) {
      expect(() => render(`{{ ${unsupported} "a" }}`), unsupported).toThrow(TemplateError);
    }
  });
});
