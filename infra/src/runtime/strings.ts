/**
 * A copy of `s` that holds nothing else alive. V8 makes a substring of 13+ characters a view into its parent
 * ("sliced string"): a short key cut from a message subject or header keeps the whole subject or header block in
 * memory for as long as the key is kept, e.g. as a Map key. Keys that live long (one per connection, one per
 * subject seen) go through this once, when first stored.
 */
export function own(s: string): string {
  return Buffer.from(s, 'latin1').toString('latin1');
}
