import { CHOICE_SETS } from './choices.generated.ts';

export type ChoiceSetName = keyof typeof CHOICE_SETS;

/** The values of one NetBox choice field with their display labels. */
export interface ChoiceSet {
  readonly name: ChoiceSetName;
  readonly labels: ReadonlyMap<string, string>;
}

const cache = new Map<ChoiceSetName, ChoiceSet>();

/** The choice set `name`, as NetBox 4.5.10's schema lists it. */
export function choiceSet(name: ChoiceSetName): ChoiceSet {
  let set = cache.get(name);
  if (!set) {
    set = { name, labels: new Map(CHOICE_SETS[name].map(([value, label]) => [value, label])) };
    cache.set(name, set);
  }
  return set;
}

/** The `{value, label}` NetBox reads back for a stored choice, or null when unset. */
export function choiceJson(set: ChoiceSet, value: unknown): { value: string; label: string } | null {
  if (typeof value !== 'string' || value === '') return null;
  return { value, label: set.labels.get(value) ?? value };
}

/** Virtual interface types (NetBox's VIRTUAL_IFACE_TYPES), which cannot carry PoE. */
export function isVirtualInterface(type: string): boolean {
  return ['virtual', 'bridge', 'lag'].includes(type);
}

/** Wireless interface types (IEEE 802.11/802.15 and cellular), per NetBox's WIRELESS_IFACE_TYPES. */
export function isWirelessInterface(type: string): boolean {
  return type.startsWith('ieee802.11') || type.startsWith('ieee802.15') || ['other-wireless', 'gsm', 'cdma', 'lte', '4g', '5g'].includes(type);
}
