/**
 * Azure metadata names must be C# identifiers (no `-`, no leading digit), while
 * portable metadata keys are `a-z0-9-`. This reversible encoding keeps every
 * portable key storable: `-` becomes `_`, and a key that would start with a
 * digit or `_` gets one extra leading `_`.
 */
export function encodeMetadata(metadata: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(metadata)) {
    const name = key.replace(/-/g, '_');
    out[/^[0-9_]/.test(name) ? `_${name}` : name] = value;
  }
  return out;
}

/** The inverse of {@link encodeMetadata}; names come back lower-case as written. */
export function decodeMetadata(metadata: Readonly<Record<string, string>> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(metadata ?? {})) {
    const key = (name.startsWith('_') ? name.slice(1) : name).replace(/_/g, '-').toLowerCase();
    out[key] = value;
  }
  return out;
}
