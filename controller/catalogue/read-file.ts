import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { readDeviceTypeDefinition, readModuleTypeDefinition } from './definition.ts';
import { findImages } from './images.ts';
import type { ImageIndex } from './images.ts';
import { createIssue } from './issues.ts';
import type { CatalogueIssue } from './issues.ts';
import type { LibraryValidators } from './schemas.ts';
import type { CatalogueDeviceType, CatalogueModuleType } from './types.ts';
import { parseLibraryYaml } from './yaml.ts';
import type { YamlLimits } from './yaml.ts';

export type FileKind = 'device-type' | 'module-type';

/** One data file of the library. */
export interface LibraryFile {
  readonly kind: FileKind;
  /** The vendor folder, e.g. `Nabu Casa`. */
  readonly vendor: string;
  /** Relative to the root with `/` separators, e.g. `device-types/Cisco/C9300-48P.yaml`. */
  readonly relative: string;
  readonly absolute: string;
}

/** What became of one file: an entry, or issues saying why not (or both, with warnings). */
export interface FileOutcome {
  readonly deviceType?: CatalogueDeviceType;
  readonly moduleType?: CatalogueModuleType;
  readonly issues: readonly CatalogueIssue[];
  /** `size:mtime` for the content revision; absent when the file could not be opened. */
  readonly fingerprint?: string;
}

export interface ReadSettings {
  readonly limits: YamlLimits;
  readonly maxFileBytes: number;
}

/**
 * Reads, parses, validates and maps one file. Synchronous on purpose: the files are small
 * (1.5 KiB on average) and parsing them is CPU work anyway; measured on the snapshot,
 * fs/promises costs about 7× the CPU of open/fstat/read for the same 5,915 reads. Callers
 * bound the work by processing files in batches and yielding between them.
 */
export function readLibraryFileSync(file: LibraryFile, validators: LibraryValidators, images: ImageIndex, settings: ReadSettings): FileOutcome {
  const where = { file: file.relative };
  let text: string;
  let fingerprint: string;
  let fd: number | undefined;
  try {
    fd = openSync(file.absolute, 'r');
    const info = fstatSync(fd);
    fingerprint = `${info.size}:${info.mtimeMs}`;
    if (info.size > settings.maxFileBytes) {
      const message = `file is ${info.size} bytes, over the ${settings.maxFileBytes}-byte limit; file skipped — split it or raise the limit`;
      return { issues: [createIssue('file-too-large', 'error', message, where)], fingerprint };
    }
    const buffer = Buffer.allocUnsafe(info.size);
    let read = 0;
    while (read < info.size) {
      const n = readSync(fd, buffer, read, info.size - read, read);
      if (n === 0) break;
      read += n;
    }
    text = buffer.toString('utf8', 0, read);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { issues: [createIssue('read-failed', 'error', `could not read the file (${message}); file skipped`, where)] };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }

  const parsed = parseLibraryYaml(text, file.relative, settings.limits);
  if (!parsed.ok) return { issues: [parsed.issue], fingerprint };
  const context = { file: file.relative, vendor: file.vendor, validators, text };
  if (file.kind === 'module-type') {
    const { moduleType, issues } = readModuleTypeDefinition(parsed.value, context);
    return moduleType ? { moduleType, issues, fingerprint } : { issues, fingerprint };
  }
  const slug = (parsed.value as { slug?: unknown } | null)?.slug;
  const found = typeof slug === 'string' ? findImages(images, file.vendor, slug) : {};
  const { deviceType, issues } = readDeviceTypeDefinition(parsed.value, { ...context, images: found });
  return deviceType ? { deviceType, issues, fingerprint } : { issues, fingerprint };
}
