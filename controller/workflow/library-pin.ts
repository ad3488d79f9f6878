import type { Catalogue } from '../catalogue/index.ts';
import { ResourceError } from '../errors/index.ts';
import type { Intent } from '../intents/index.ts';
import type { LibraryProvider } from '../catalogue/index.ts';

/**
 * The library at a pinned ref, or the provider's current revision when `ref` is undefined (which is
 * the installation's pin, LIBRARY_PIN, when there is one). `who` names the pinning intent(s).
 * @throws ResourceError when the provider cannot serve the ref.
 */
export function catalogueAt(library: LibraryProvider, ref: string | undefined, who: string): Promise<Catalogue> {
  if (ref === undefined) return library.current();
  if (!library.at) {
    return Promise.reject(
      new ResourceError(`${who}: the devicetype-library is pinned at "${ref}", but this library source serves only its current revision`, ref),
    );
  }
  return library.at(ref);
}

/** The library an intent is resolved against: the revision it pins (`spec.library.ref`), else the current one. */
export function catalogueFor(library: LibraryProvider, intent: Intent): Promise<Catalogue> {
  return catalogueAt(library, intent.spec.library?.ref, `intent ${intent.kind}/${intent.metadata.name}`);
}
