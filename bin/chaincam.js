#!/usr/bin/env node
// The `chaincam` command. Host tools are TypeScript run through tsx, so the
// code a user runs is the code in the repository, with no build step to forget.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../host-tools/cli.ts');
process.exitCode = await main(process.argv.slice(2));
