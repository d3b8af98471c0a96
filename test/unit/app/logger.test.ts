import { Writable } from 'node:stream';
import { createLogger } from '../../../src/app/logger';

function capture(): { stream: Writable; lines: () => Array<Record<string, unknown>> } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  return {
    stream,
    lines: () =>
      chunks
        .join('')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

describe('createLogger', () => {
  it('writes Cloud Logging JSON: severity, message, time and the request id of a child logger', () => {
    const out = capture();
    const logger = createLogger({ level: 'info', destination: out.stream });
    logger.child({ requestId: 'abcdefghjk' }).warn('apply failed', { code: 'runwarden_conflict' });
    logger.debug('not shown at info');
    const [line] = out.lines();
    expect(out.lines()).toHaveLength(1);
    expect(line).toMatchObject({ severity: 'WARNING', message: 'apply failed', requestId: 'abcdefghjk', code: 'runwarden_conflict' });
    expect(typeof line?.time).toBe('string');
    expect(line).not.toHaveProperty('level');
  });

  it('redacts secrets by key, also one level down', () => {
    const out = capture();
    createLogger({ level: 'info', destination: out.stream }).error('oops', {
      token: 'xoxb-1',
      headers: { authorization: 'Bearer abc' },
      slack: { signingSecret: 's3cret' },
    });
    const text = JSON.stringify(out.lines());
    expect(text).not.toContain('xoxb-1');
    expect(text).not.toContain('Bearer abc');
    expect(text).not.toContain('s3cret');
    expect(out.lines()[0]).toMatchObject({ severity: 'ERROR', token: '[redacted]' });
  });
});
