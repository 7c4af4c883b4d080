import { describe, expect, test } from '@jest/globals';
import { imageVersion } from '../../src/render/image.ts';

describe('imageVersion', () => {
  test.each([
    ['ghcr.io/gadgetron/gadgetron/ubuntu22.04_rt_nocuda:4.7.2', '4.7.2'],
    ['ghcr.io/ismrmrd/mrd-storage-server:v0.0.12', 'v0.0.12'],
    ['ghcr.io/gadgetron/gadgetron/ubuntu22.04_rt_nocuda', 'latest'],
    ['localhost:5000/gadgetron', 'latest'],
    ['localhost:5000/gadgetron:dev', 'dev'],
    [`gadgetron@sha256:${'0123456789abcdef'.repeat(4)}`, 'sha256-0123456789ab'],
    [`gadgetron:4.7.2@sha256:${'0'.repeat(64)}`, '4.7.2'],
    ['gadgetron:_build-', 'build'],
    [`gadgetron:${'a'.repeat(100)}`, 'a'.repeat(63)],
    ['gadgetron:___', undefined]
  ])('%s -> %s', (image, version) => {
    expect(imageVersion(image)).toBe(version);
  });
});
