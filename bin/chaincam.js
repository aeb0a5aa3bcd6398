#!/usr/bin/env node
// The `chaincam` command. Host tools are TypeScript run through tsx, so the
// code a user runs is the code in the repository, with no build step to forget.
import { register } from 'tsx/esm/api';

// `chaincam sim | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

register();
const { main } = await import('../host-tools/cli.ts');
process.exitCode = await main(process.argv.slice(2));
