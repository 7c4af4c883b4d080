// What a user sees for each kind of bad value: the input's name, what is wrong and what is
// accepted, in one line; and the edges of what is accepted (bounds, anchors, formats).
import { describe, expect, test } from '@jest/globals';
import {
  boolean,
  cidrList,
  cpuQuantity,
  duration,
  imageReference,
  integer,
  kubernetesName,
  labelMap,
  lines,
  memoryQuantity,
  oneOf,
  resourceName,
  text,
  tolerations
} from '../../src/inputs/parsers.ts';
import { InvalidInputs } from '../../src/inputs/problem.ts';
import { field, readInputs, type Parser } from '../../src/inputs/read.ts';

/** The error an action reports for `raw` given to an input named `value` with this parser. */
function refusal(parse: Parser<unknown>, raw: string): string {
  try {
    readInputs({ value: field(parse) }, {}, () => raw);
  } catch (error) {
    if (error instanceof InvalidInputs) return error.message;
    throw error;
  }
  throw new Error(`${JSON.stringify(raw)} was accepted`);
}

/** What the action says is accepted when a required input is missing. */
function acceptedWhenMissing(parse: Parser<unknown>): string {
  try {
    readInputs({ value: field(parse, { required: true }) }, {}, () => undefined);
  } catch (error) {
    if (error instanceof InvalidInputs) return error.message;
    throw error;
  }
  throw new Error('a missing required input was accepted');
}

describe('whole numbers', () => {
  const count = integer(1, 10);

  test('both bounds are included', () => {
    expect(count('1')).toBe(1);
    expect(count('10')).toBe(10);
    expect(integer(-5, 5)('-5')).toBe(-5);
  });

  test('below the lower bound and above the upper one are refused, naming the range', () => {
    expect(refusal(count, '0')).toBe(
      "Input 'value': 0 is out of range. Accepted: a whole number from 1 to 10."
    );
    expect(refusal(count, '11')).toBe(
      "Input 'value': 11 is out of range. Accepted: a whole number from 1 to 10."
    );
    expect(refusal(integer(-5, 5), '-6')).toContain('-6 is out of range');
  });

  test('anything but digits is refused as not a whole number', () => {
    expect(refusal(count, '2.5')).toBe(
      'Input \'value\': "2.5" is not a whole number. Accepted: a whole number from 1 to 10.'
    );
    expect(refusal(count, 'x5')).toContain('"x5" is not a whole number');
    expect(refusal(count, '5x')).toContain('"5x" is not a whole number');
    expect(acceptedWhenMissing(count)).toBe(
      "Input 'value': is required but was not given. Accepted: a whole number from 1 to 10."
    );
  });
});

describe('booleans and choices', () => {
  test.each([
    ['true', true],
    ['True', true],
    ['TRUE', true],
    ['false', false],
    ['False', false],
    ['FALSE', false]
  ])('%s is %s', (raw, value) => expect(boolean(raw)).toBe(value));

  test('other spellings are refused', () => {
    expect(refusal(boolean, 'yes')).toBe(
      'Input \'value\': "yes" is not a boolean. Accepted: true or false.'
    );
    expect(refusal(boolean, 'tRUE')).toContain('"tRUE" is not a boolean');
  });

  test('a value that is not a choice names every choice', () => {
    expect(refusal(oneOf('none', 'client'), 'all')).toBe(
      'Input \'value\': "all" is not a known value. Accepted: one of none, client.'
    );
  });

  test('a long value is shortened in the message', () => {
    const long = 'x'.repeat(100);
    expect(refusal(boolean, long)).toContain(`"${'x'.repeat(77)}..." is not a boolean`);
    expect(refusal(boolean, 'x'.repeat(80))).toContain(`"${'x'.repeat(80)}" is not`);
  });

  test('text is taken as given', () => expect(text('a b')).toBe('a b'));
});

describe('durations', () => {
  const ACCEPTED = 'Accepted: a duration such as 90s, 15m, 1h or 1h30m (at least 1s, at most 24h).';

  test('1s and the maximum are accepted; the units add up', () => {
    expect(duration()('1s')).toBe(1000);
    expect(duration()('1000ms')).toBe(1000);
    expect(duration()('24h')).toBe(86_400_000);
    expect(duration(60_000)('1m')).toBe(60_000);
    expect(duration()('1h1m1s1ms')).toBe(3_661_001);
  });

  test('under 1s or over the maximum is refused as out of range', () => {
    expect(refusal(duration(), '999ms')).toBe(`Input 'value': 999ms is out of range. ${ACCEPTED}`);
    expect(refusal(duration(), '24h1ms')).toBe(
      `Input 'value': 24h1ms is out of range. ${ACCEPTED}`
    );
    expect(refusal(duration(60_000), '61s')).toContain('61s is out of range');
  });

  test('text before or after the duration is refused', () => {
    expect(refusal(duration(), '90s later')).toBe(
      `Input 'value': "90s later" is not a duration. ${ACCEPTED}`
    );
    expect(refusal(duration(), '90sx')).toContain('"90sx" is not a duration');
    expect(refusal(duration(), 'in 90s')).toContain('"in 90s" is not a duration');
    expect(refusal(duration(), '1h 30m')).toContain('"1h 30m" is not a duration');
  });
});

describe('CPU and memory', () => {
  test('CPU: whole cores, up to three decimals, or millicores', () => {
    expect(cpuQuantity('2')).toBe('2');
    expect(cpuQuantity('0.001')).toBe('0.001');
    expect(cpuQuantity('1m')).toBe('1m');
  });

  test('CPU: other forms are refused with what is accepted', () => {
    expect(refusal(cpuQuantity, '2 cores')).toBe(
      'Input \'value\': "2 cores" is not a CPU quantity. Accepted: CPU cores such as 2, 1.5 or 500m.'
    );
    expect(refusal(cpuQuantity, 'x2')).toContain('"x2" is not a CPU quantity');
    expect(refusal(cpuQuantity, '2mx')).toContain('"2mx" is not a CPU quantity');
    expect(refusal(cpuQuantity, '0m')).toBe(
      "Input 'value': 0m is not a positive whole number of millicores. Accepted: CPU cores such as 2, 1.5 or 500m."
    );
    expect(refusal(cpuQuantity, '0.5m')).toContain('0.5m is not a positive whole number');
    expect(acceptedWhenMissing(cpuQuantity)).toContain(
      'Accepted: CPU cores such as 2, 1.5 or 500m.'
    );
  });

  test('memory: a positive number with a unit, nothing around it', () => {
    expect(memoryQuantity('1Ki')).toBe('1Ki');
    expect(memoryQuantity('10T')).toBe('10T');
    expect(refusal(memoryQuantity, '4Gib')).toBe(
      'Input \'value\': "4Gib" is not a memory quantity. Accepted: memory such as 4Gi, 512Mi or 8G.'
    );
    expect(refusal(memoryQuantity, 'x4Gi')).toContain('"x4Gi" is not a memory quantity');
    expect(refusal(memoryQuantity, '04Gi')).toContain('"04Gi" is not a memory quantity');
    expect(acceptedWhenMissing(memoryQuantity)).toContain('memory such as 4Gi, 512Mi or 8G');
  });
});

describe('names', () => {
  test('a resource name may be exactly as long as allowed', () => {
    expect(resourceName(9)('gadgetron')).toBe('gadgetron');
    expect(resourceName(3)('a-1')).toBe('a-1');
    expect(resourceName(3)('a')).toBe('a');
  });

  test('a resource name too long or malformed is refused with the rules', () => {
    const accepted =
      "Accepted: lower-case letters, digits and '-', starting with a letter, ending with a letter or digit, at most 8 characters.";
    expect(refusal(resourceName(8), 'gadgetron')).toBe(
      `Input 'value': "gadgetron" is 9 characters long. ${accepted}`
    );
    expect(refusal(resourceName(8), 'gadget-')).toBe(
      `Input 'value': "gadget-" is not a valid name. ${accepted}`
    );
    expect(refusal(resourceName(8), 'Gadget')).toContain('is not a valid name');
    expect(refusal(resourceName(8), '-gadget')).toContain('is not a valid name');
  });

  test('a Kubernetes name has at most 63 characters and may start with a digit', () => {
    const name = kubernetesName('namespace');
    expect(name(`1${'a'.repeat(62)}`)).toHaveLength(63);
    const accepted =
      "Accepted: a namespace name: lower-case letters, digits and '-', starting and ending with a letter or digit, at most 63 characters.";
    expect(refusal(name, 'a'.repeat(64))).toBe(
      `Input 'value': "${'a'.repeat(64)}" is not a valid namespace name. ${accepted}`
    );
    expect(refusal(name, 'ns-')).toContain('"ns-" is not a valid namespace name');
    expect(refusal(name, '-ns')).toContain('is not a valid namespace name');
    expect(refusal(name, 'Ns')).toContain('is not a valid namespace name');
  });
});

describe('image references', () => {
  const ACCEPTED =
    'Accepted: a full image reference with a tag or digest, such as ghcr.io/gadgetron/gadgetron/ubuntu22.04_rt_nocuda:4.7.2 or name@sha256:<64 hex digits>.';
  const digest = `sha256:${'c'.repeat(64)}`;

  test('registries with ports, localhost and plain names are understood', () => {
    expect(imageReference('localhost/gadgetron:1')).toEqual({
      reference: 'localhost/gadgetron:1',
      version: '1'
    });
    expect(imageReference('my-registry:5000/a/b:v1').version).toBe('v1');
    expect(imageReference('gadgetron/gadgetron:4.7.2').version).toBe('4.7.2');
    expect(imageReference(`gadgetron@${digest}`).version).toBe(digest);
    expect(imageReference('a__b/c-d.e:1').version).toBe('1');
  });

  test('each malformed part is named', () => {
    expect(refusal(imageReference, 'gadgetron :1')).toBe(
      `Input 'value': "gadgetron :1" contains whitespace. ${ACCEPTED}`
    );
    expect(refusal(imageReference, 'gadgetron@sha256:abc')).toBe(
      `Input 'value': "sha256:abc" is not a sha256 digest. ${ACCEPTED}`
    );
    expect(refusal(imageReference, 'gadgetron:-1')).toBe(
      `Input 'value': "-1" is not a valid tag. ${ACCEPTED}`
    );
    expect(refusal(imageReference, 'gadgetron')).toBe(
      `Input 'value': "gadgetron" has neither a tag nor a digest. ${ACCEPTED}`
    );
    expect(refusal(imageReference, 'bad_host.io/g:1')).toBe(
      `Input 'value': "bad_host.io/g:1" is not a valid image name. ${ACCEPTED}`
    );
    expect(refusal(imageReference, 'UPPER/g:1')).toContain('is not a valid image name');
    expect(refusal(imageReference, `g@sha256:${'c'.repeat(64)}x`)).toContain(
      'is not a sha256 digest'
    );
    expect(refusal(imageReference, `g:${'t'.repeat(129)}`)).toContain('is not a valid tag');
    expect(imageReference(`g:${'t'.repeat(128)}`).version).toHaveLength(128);
  });

  test('a tag after a registry port is found; a port alone is no tag', () => {
    expect(imageReference('registry.io:5000/g:2').version).toBe('2');
    expect(refusal(imageReference, 'registry.io:5000/g')).toContain(
      'has neither a tag nor a digest'
    );
  });
});

describe('lines, labels and tolerations', () => {
  test('lines drop comments and blanks, and trim, whatever the line ending', () => {
    expect(lines(' a \r\n\r\n# c\n  #d\nb')).toEqual(['a', 'b']);
  });

  test('labels: keys with prefixes, empty values, spaces around =', () => {
    expect(labelMap('example.com/role = gpu\nempty=')).toEqual({
      'example.com/role': 'gpu',
      empty: ''
    });
  });

  test('a line that is not a label names its number and the format', () => {
    const accepted =
      'Accepted: lines of key=value with Kubernetes label keys and values, such as agentpool=gadgetron.';
    expect(refusal(labelMap, 'a=b\nnope')).toBe(
      `Input 'value': line 2 ("nope") is not key=value. ${accepted}`
    );
    expect(refusal(labelMap, 'a=b c')).toContain('line 1 ("a=b c") is not key=value');
    expect(refusal(labelMap, '-a=b')).toContain('line 1 ("-a=b") is not key=value');
    expect(refusal(labelMap, '=b')).toContain('is not key=value');
  });

  test('each kind of bad toleration is named with its line', () => {
    const accepted =
      'Accepted: lines in kubectl taint syntax: key=value:Effect, key:Effect, key=value or key, with Effect one of NoSchedule, PreferNoSchedule, NoExecute.';
    expect(refusal(tolerations, 'a b')).toBe(
      `Input 'value': line 1 ("a b") is not a taint. ${accepted}`
    );
    expect(refusal(tolerations, 'ok\n-bad=x')).toContain('line 2 ("-bad=x") has an invalid key');
    expect(refusal(tolerations, 'k=-v-')).toContain('line 1 ("k=-v-") has an invalid value');
    expect(refusal(tolerations, 'k:Never')).toContain('has an unknown effect "Never"');
    expect(tolerations('k=:PreferNoSchedule')).toEqual([
      { key: 'k', operator: 'Equal', value: '', effect: 'PreferNoSchedule' }
    ]);
  });
});

describe('networks', () => {
  const ACCEPTED =
    'Accepted: IPv4 or IPv6 networks in CIDR form such as 203.0.113.0/24 or 2001:db8::/32, separated by commas or new lines.';

  test('IPv4 and IPv6 networks, by commas or lines, comments dropped, prefixes normalised', () => {
    expect(cidrList('203.0.113.0/24, 2001:db8::/32\n# office\n10.0.0.1/032\n::/0')).toEqual([
      { cidr: '203.0.113.0/24', family: 4, prefix: 24 },
      { cidr: '2001:db8::/32', family: 6, prefix: 32 },
      { cidr: '10.0.0.1/32', family: 4, prefix: 32 },
      { cidr: '::/0', family: 6, prefix: 0 }
    ]);
    expect(cidrList('1:2:3:4:5:6:7:8/128')[0]?.prefix).toBe(128);
    expect(cidrList('::ffff:192.0.2.1/128')[0]?.family).toBe(6);
    expect(cidrList('1:2:3:4:5:6::/96')[0]?.family).toBe(6);
    expect(cidrList('1:2:3:4:5::192.0.2.1/128')[0]?.family).toBe(6);
    expect(cidrList('0.0.0.0/0')[0]?.prefix).toBe(0);
    expect(cidrList('255.255.255.255/32')[0]?.family).toBe(4);
  });

  test('no network at all is refused', () => {
    expect(refusal(cidrList, '# nothing\n,')).toBe(`Input 'value': lists no network. ${ACCEPTED}`);
  });

  test('a prefix missing or too long for the family names the family maximum', () => {
    expect(refusal(cidrList, '10.0.0.0')).toBe(
      `Input 'value': "10.0.0.0" needs a prefix length from 0 to 32 after '/'. ${ACCEPTED}`
    );
    expect(refusal(cidrList, '10.0.0.0/33')).toContain('from 0 to 32');
    expect(refusal(cidrList, '2001:db8::/129')).toContain(
      '"2001:db8::/129" needs a prefix length from 0 to 128'
    );
    expect(refusal(cidrList, '10.0.0.0/1234')).toContain('needs a prefix length');
    expect(refusal(cidrList, '10.0.0.0/x')).toContain('needs a prefix length');
  });

  test.each([
    '256.0.0.0/8',
    '01.0.0.0/8',
    '1.2.3/8',
    '1.2.3.4.5/8',
    'a.b.c.d/8',
    ':::/0',
    '1::2::3/64',
    '1:2:3:4:5:6:7/64',
    '1:2:3:4:5:6:7:8:9/64',
    '1:2:3:4:5:6:7:8::/64',
    '12345::/16',
    'g::/16',
    '::300.0.0.1/128',
    '1:2:3:4:5:6:7:1.2.3.4/128',
    'example.com/24'
  ])('%s is not an IP network', entry => {
    expect(refusal(cidrList, entry)).toBe(
      `Input 'value': ${JSON.stringify(entry)} is not an IP network. ${ACCEPTED}`
    );
  });
});
