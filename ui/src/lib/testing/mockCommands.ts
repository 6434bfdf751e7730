// The component tests' one way to stub the shell: `vi.mock('./api', ...)` keeps the real module
// (event helpers, types) and replaces only the named commands of the generated client, so each
// test file lists what it stubs and nothing else.
import type * as Api from '../api';

type Commands = typeof Api.commands;

export async function withCommands(
  importOriginal: () => Promise<unknown>,
  stubs: Partial<Record<keyof Commands, unknown>>,
): Promise<typeof Api> {
  const real = (await importOriginal()) as typeof Api;
  return { ...real, commands: { ...real.commands, ...stubs } as Commands };
}
