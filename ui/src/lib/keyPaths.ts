// Every key path of a nested dictionary with its value (translation parity checks).
export function keyPaths(o: Record<string, unknown>, prefix = ''): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [k, v] of Object.entries(o)) {
    if (v && typeof v === 'object') {
      for (const [kk, vv] of keyPaths(v as Record<string, unknown>, `${prefix}${k}.`)) out.set(kk, vv);
    } else {
      out.set(`${prefix}${k}`, v);
    }
  }
  return out;
}
