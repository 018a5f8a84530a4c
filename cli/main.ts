#!/usr/bin/env node
/**
 * The `polyfaas` command line. Each command lives in its own file under
 * cli/commands and is loaded only when invoked, so `--help` stays instant.
 */
import { commands, printHelp, runCommand } from './registry.js';

const code = await runCommand(process.argv.slice(2), commands, { out: process.stdout, err: process.stderr, printHelp });
process.exitCode = code;
