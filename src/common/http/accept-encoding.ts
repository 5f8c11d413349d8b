/**
 * Whether an Accept-Encoding header takes gzip: named with a weight above zero or, when not named,
 * through `*`.
 */
export function acceptsGzip(header: string | undefined): boolean {
  if (header === undefined) return false;
  const weights = new Map<string, number>();
  for (const item of header.split(',')) {
    const [coding, ...parameters] = item.trim().toLowerCase().split(';');
    const q = parameters.map((p) => /^\s*q\s*=\s*([\d.]+)\s*$/.exec(p)?.[1]).find((w) => w !== undefined);
    weights.set(coding.trim(), q === undefined ? 1 : Number(q));
  }
  return (weights.get('gzip') ?? weights.get('*') ?? 0) > 0;
}
