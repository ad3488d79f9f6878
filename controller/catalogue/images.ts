import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { CatalogueDeviceType } from './types.ts';

/** Image types the library accepts, in the order we prefer when a slug has several. */
const IMAGE_EXTENSIONS = ['png', 'jpg', 'jpeg', 'webp', 'gif', 'bmp', 'tif', 'tiff', 'jfif', 'pjpeg', 'pjp'];
const IMAGE_NAME = new RegExp(`^(.+)\\.(front|rear)\\.(${IMAGE_EXTENSIONS.join('|')})$`, 'i');

type Images = { front?: string; rear?: string };

/** Elevation images found on disk, by `<vendor folder>/<slug>` and by slug alone. */
export interface ImageIndex {
  readonly byFolderAndSlug: ReadonlyMap<string, Images>;
  readonly bySlug: ReadonlyMap<string, Images>;
  /** Relative paths of every image file, for the content revision. */
  readonly files: readonly string[];
}

/**
 * Lists `<root>/elevation-images/<Vendor>/<slug>.{front,rear}.<ext>` once. Vendor folders may
 * contain spaces (`Nabu Casa`). A missing folder is normal (a trimmed checkout): no images.
 */
export async function indexElevationImages(root: string): Promise<ImageIndex> {
  const base = path.join(root, 'elevation-images');
  const byFolderAndSlug = new Map<string, Images>();
  const bySlug = new Map<string, Images>();
  const files: string[] = [];
  const folders = await readdir(base, { withFileTypes: true }).catch(() => []);
  for (const folder of folders) {
    if (!folder.isDirectory()) continue;
    const names = await readdir(path.join(base, folder.name)).catch(() => [] as string[]);
    for (const name of names.sort(byExtensionPreference)) {
      const match = IMAGE_NAME.exec(name);
      if (!match) continue;
      const [, slug = '', side = ''] = match;
      const absolute = path.join(base, folder.name, name);
      files.push(path.posix.join('elevation-images', folder.name, name));
      add(byFolderAndSlug, `${folder.name}/${slug}`, side.toLowerCase(), absolute);
      add(bySlug, slug, side.toLowerCase(), absolute);
    }
  }
  return { byFolderAndSlug, bySlug, files };
}

/** The images for a device type: its own vendor folder first, then any folder by slug. */
export function findImages(index: ImageIndex, vendorFolder: string, slug: string): CatalogueDeviceType['images'] {
  return index.byFolderAndSlug.get(`${vendorFolder}/${slug}`) ?? index.bySlug.get(slug) ?? {};
}

function add(map: Map<string, Images>, key: string, side: string, absolute: string): void {
  const entry = map.get(key) ?? {};
  if (side === 'front' && entry.front === undefined) entry.front = absolute;
  if (side === 'rear' && entry.rear === undefined) entry.rear = absolute;
  map.set(key, entry);
}

function byExtensionPreference(a: string, b: string): number {
  const rank = (name: string): number => {
    const index = IMAGE_EXTENSIONS.indexOf(path.extname(name).slice(1).toLowerCase());
    return index === -1 ? IMAGE_EXTENSIONS.length : index;
  };
  return rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0);
}
