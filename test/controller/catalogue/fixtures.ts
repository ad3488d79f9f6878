import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The real devicetype-library snapshot, beside the repository (never copied into it). */
export const SNAPSHOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../shared/devicetype-library');

/** A scratch library under the OS temp folder: the snapshot's schemas plus the files a test writes. */
export interface ScratchLibrary {
  readonly root: string;
  /** Writes `relative` (e.g. `device-types/Acme/box.yaml`), creating folders. */
  write(relative: string, text: string): string;
  /** Copies a snapshot file to the same relative path. */
  copy(relative: string): string;
  remove(): void;
}

export function createScratchLibrary(prefix = 'catalogue-'): ScratchLibrary {
  const root = mkdtempSync(path.join(os.tmpdir(), prefix));
  cpSync(path.join(SNAPSHOT, 'schema'), path.join(root, 'schema'), { recursive: true });
  const write = (relative: string, text: string): string => {
    const target = path.join(root, relative);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, text);
    return target;
  };
  return {
    root,
    write,
    copy: (relative) => {
      const target = path.join(root, relative);
      mkdirSync(path.dirname(target), { recursive: true });
      cpSync(path.join(SNAPSHOT, relative), target);
      return target;
    },
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** A small valid device type in the library's format. */
export function deviceTypeYaml(manufacturer: string, model: string, slug: string, extra = ''): string {
  return `---\nmanufacturer: ${manufacturer}\nmodel: ${model}\nslug: ${slug}\nu_height: 1\nis_full_depth: false\n${extra}`;
}
