import type { Catalogue } from '../catalogue/index.ts';
import { ResourceError } from '../errors/index.ts';
import type { Intent } from '../intents/index.ts';
import type { LibraryProvider } from './types.ts';

/**
 * The library an intent is resolved against: the revision it pins (`spec.library.ref`), else the
 * provider's current one (which is the installation's pin, LIBRARY_PIN, when there is one).
 * @throws ResourceError when the intent pins a ref the provider cannot serve.
 */
export function catalogueFor(library: LibraryProvider, intent: Intent): Promise<Catalogue> {
  const ref = intent.spec.library?.ref;
  if (ref === undefined) return library.current();
  if (!library.at) {
    return Promise.reject(new ResourceError(`intent ${intent.kind}/${intent.metadata.name} pins the devicetype-library at "${ref}", but this worker's library source serves only its current revision`, ref));
  }
  return library.at(ref);
}
