#!/usr/bin/env node
// `prepack` of every published package. The manifests use pnpm's `workspace:`
// ranges, which only `pnpm pack` / `pnpm publish` rewrite into real versions
// (`workspace:^` -> `^0.1.0`). Plain `npm pack` / `npm publish` would ship
// them as they are, and no one could install the result: refuse clearly.
import { readFileSync } from 'node:fs';

// biome-ignore lint/suspicious/noUndeclaredEnvVars: set by npm/pnpm for a lifecycle script, never by a turbo task
const agent = process.env.npm_config_user_agent ?? '';
const manifest = JSON.parse(readFileSync('package.json', 'utf8'));
const fields = ['dependencies', 'peerDependencies', 'optionalDependencies'];
const workspaceRanges = fields.flatMap((field) =>
  Object.entries(manifest[field] ?? {})
    .filter(([, range]) => String(range).startsWith('workspace:'))
    .map(([name, range]) => `${field}.${name}: "${range}"`),
);

if (workspaceRanges.length > 0 && !agent.startsWith('pnpm/')) {
  const tool = agent.split(' ')[0] || 'this tool';
  console.error(
    `${manifest.name}: cannot pack with ${tool}: package.json has pnpm workspace ranges that it would publish unchanged ` +
      `(${workspaceRanges.join(', ')}).\nUse \`pnpm pack\` or \`pnpm publish\`, which replace them with the workspace's versions.`,
  );
  process.exit(1);
}
