/** Container image references as label values. */

const LABEL_MAX = 63;

/** Trims a string into a valid label value: [A-Za-z0-9._-], alphanumeric at both ends. */
function labelValue(raw: string): string | undefined {
  const value = raw
    .replace(/[^A-Za-z0-9._-]/g, '-')
    .slice(0, LABEL_MAX)
    .replace(/^[^A-Za-z0-9]+/, '')
    .replace(/[^A-Za-z0-9]+$/, '');
  return value === '' ? undefined : value;
}

/**
 * The version an image reference names, fit for `app.kubernetes.io/version`: its tag
 * ("4.7.2"), else the start of its digest ("sha256-0123456789ab"), else "latest" (what an
 * untagged reference pulls). Undefined when nothing usable remains.
 */
export function imageVersion(image: string): string | undefined {
  const at = image.indexOf('@');
  const name = at >= 0 ? image.slice(0, at) : image;
  const digest = at >= 0 ? image.slice(at + 1) : '';
  // A colon before the last slash belongs to a registry port, not a tag.
  const lastSegment = name.slice(name.lastIndexOf('/') + 1);
  const colon = lastSegment.indexOf(':');
  if (colon >= 0) return labelValue(lastSegment.slice(colon + 1));
  if (digest !== '') {
    const [algorithm = '', hex = ''] = digest.split(':');
    return labelValue(`${algorithm}-${hex.slice(0, 12)}`);
  }
  return 'latest';
}

/**
 * Whether an image reference looks like a CUDA build: Gadgetron publishes `..._rt_cuda` and
 * `..._rt_nocuda` images (only the former uses a GPU); other names are judged by "cuda".
 */
export function looksLikeCudaImage(image: string): boolean {
  const name = image.split('@')[0]?.toLowerCase() ?? '';
  const repository = name.slice(name.lastIndexOf('/') + 1).split(':')[0] ?? '';
  return repository.includes('cuda') && !repository.includes('nocuda');
}
