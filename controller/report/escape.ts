/**
 * Escaping for text that comes from intents, the library or NetBox (model names, slugs, field
 * values) when it is put into GitHub- or GitLab-flavoured Markdown.
 */

const HTML: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

/**
 * Inline text safe in Markdown, in HTML and in a table cell: HTML special characters become
 * entities, Markdown punctuation is backslash-escaped (`|` too, so a cell never splits), and
 * line breaks become spaces. Use inside {@link code} for names and values: GitHub does not turn
 * `@name` into a mention or `:name:` into an emoji inside a code element.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[&<>"]/g, (c) => HTML[c] ?? c)
    .replace(/[\\`*_{}[\]()#+!|~]/g, (c) => `\\${c}`)
    .replace(/\r\n|\r|\n/g, ' ');
}

/** `<code>text</code>` with the text escaped: names and values from outside. */
export function code(text: string): string {
  return `<code>${escapeMarkdown(text)}</code>`;
}

/** A field value as JSON (strings quoted), shortened to `max` characters with an ellipsis. */
export function showValue(value: unknown, max = 120): string {
  const text = value === undefined ? 'unset' : (JSON.stringify(value) ?? String(value));
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
