// Types of `env` and `exports` from cloudflare:test / cloudflare:workers in Worker tests.
declare namespace Cloudflare {
  interface Env extends Omit<import('../../worker/env.ts').Env, never> {
    TEST_MIGRATIONS: import('cloudflare:test').D1Migration[];
  }
  interface GlobalProps {
    mainModule: typeof import('../../worker/index.ts');
  }
}
