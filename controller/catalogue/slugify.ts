/**
 * NetBox-style slug of a name: accents folded to ASCII, lowercased, every character other than
 * letters, digits, spaces, hyphens and underscores dropped, runs of spaces and hyphens turned
 * into one hyphen, hyphens and underscores trimmed from both ends (Django's `slugify`, which
 * NetBox's SlugField accepts: `^[-a-z0-9_]+$`).
 *
 * For every manufacturer in the devicetype-library this equals what the community importer
 * computes (`re.sub(r'\W+', '-', name.lower())`), e.g. `Nabu Casa` → `nabu-casa` and
 * `Rohde & Schwarz` → `rohde-schwarz`; it differs only for names with leading/trailing
 * punctuation or non-ASCII letters, where the importer's slug is rejected by NetBox anyway.
 *
 * @example slugify('Extreme Networks') === 'extreme-networks'
 */
export function slugify(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9\s_-]/g, '')
    .trim()
    .replace(/[\s-]+/g, '-')
    .replace(/^[-_]+|[-_]+$/g, '');
}
