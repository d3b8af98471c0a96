import { deferred, once } from '../../../src/app/deferred';

interface Greeter {
  greet(name: string, punctuation: string): Promise<string>;
  count(): Promise<number>;
}

function adapter(): Greeter & { calls: number } {
  return {
    calls: 0,
    async greet(name, punctuation) {
      this.calls += 1;
      return `hello ${name}${punctuation}`;
    },
    async count() {
      return this.calls;
    },
  };
}

describe('deferred', () => {
  it('builds nothing until the first call, then builds once for every method and every concurrent call', async () => {
    let loads = 0;
    const port = deferred<Greeter>(
      async () => {
        loads += 1;
        return adapter();
      },
      { greet: true, count: true },
    );
    expect(loads).toBe(0);
    const answers = await Promise.all([port.greet('ada', '!'), port.greet('bob', '?'), port.count()]);
    expect(answers.slice(0, 2)).toEqual(['hello ada!', 'hello bob?']);
    expect(loads).toBe(1);
    expect(await port.count()).toBe(2); // `this` is the adapter: both greets counted on the one instance
  });

  it('passes the adapter’s rejections through unchanged', async () => {
    const port = deferred<Greeter>(async () => ({ greet: () => Promise.reject(new Error('PERMISSION_DENIED')), count: async () => 0 }), {
      greet: true,
      count: true,
    });
    await expect(port.greet('x', '.')).rejects.toThrow('PERMISSION_DENIED');
  });

  it('forgets a failed load, so the next call tries again', async () => {
    let loads = 0;
    const port = deferred<Greeter>(
      async () => {
        loads += 1;
        if (loads === 1) throw new Error('cannot load the client');
        return adapter();
      },
      { greet: true, count: true },
    );
    await expect(port.greet('ada', '!')).rejects.toThrow('cannot load the client');
    await expect(port.greet('ada', '!')).resolves.toBe('hello ada!');
    expect(loads).toBe(2);
  });
});

describe('once', () => {
  it('computes the value on the first call only', async () => {
    let loads = 0;
    const value = once(async () => {
      loads += 1;
      return { id: loads };
    });
    expect(loads).toBe(0);
    const [a, b] = await Promise.all([value(), value()]);
    expect(a).toBe(b);
    expect(await value()).toBe(a);
    expect(loads).toBe(1);
  });
});
