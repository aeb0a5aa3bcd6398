import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { projectRoot } from '../../host-tools/sim/project-root.js';
import { readManifest } from '../../host-tools/sim/targets.js';

// How mcconfig (SDK 8.2.3, tools/mcmanifest.js TSConfigFile) type-checks the firmware: its own
// defaults (module preserve, lib and target es2025) overridden by manifest.json's
// typescript.tsconfig.compilerOptions, and only the declaration files that `types` lists plus the
// SDK's typings/ found through `paths`. CI has no SDK: typings/sdk and @moddable/typings stand in
// for the SDK's files, so what passes here is what mcconfig's tsc sees.
const compilerOptions = (readManifest() as { typescript: { tsconfig: { compilerOptions: Record<string, unknown> } } }).typescript.tsconfig.compilerOptions;
const types = compilerOptions.types as string[];
const ours = (dir: string) => readdirSync(path.join(projectRoot, dir)).filter((file) => file.endsWith('.d.ts')).map((file) => `./${dir}/${file.slice(0, -5)}`);

/** The SDK declaration files the manifest lists, and what stands in for each without the SDK. */
const SDK_STAND_INS: Record<string, string[]> = {
  '$(MODDABLE)/xs/includes/xs': ['node_modules/@moddable/typings/xs.d.ts', 'typings/sdk/xs-native.d.ts'],
  '$(MODDABLE)/typings/global': ['node_modules/@moddable/typings/global.d.ts'],
  '$(MODDABLE)/typings/crypt': ['typings/sdk/crypt.d.ts'],
  '$(MODDABLE)/typings/file': ['node_modules/@moddable/typings/file.d.ts'],
};

describe('the firmware type-checks as mcconfig checks it', () => {
  it('manifest.json gives mcconfig\'s tsc every declaration of ours that augments the SDK, and none that stands in for it', () => {
    assert.deepEqual(types.filter((entry) => entry.startsWith('./')).sort(), ours('typings/moddable').sort(), 'list each typings/moddable file in manifest.json typescript.tsconfig.compilerOptions.types');
    for (const entry of types.filter((e) => e.startsWith('./'))) assert.ok(existsSync(path.join(projectRoot, `${entry}.d.ts`)), `${entry}.d.ts is missing`);
    // typings/sdk redeclares what the SDK declares (a duplicate identifier there).
    assert.ok(!types.some((entry) => entry.startsWith('./typings/sdk/')));
    // The SDK declarations ours merge into must be in mcconfig's program (an ambient module of
    // ours would otherwise hide the SDK's file, which tsc then never loads).
    for (const entry of types.filter((e) => !e.startsWith('./'))) assert.ok(entry in SDK_STAND_INS, `${entry}: no stand-in for this SDK declaration`);
  });

  it('the manifest\'s lib and target are ones this TypeScript accepts (the SDK\'s default es2025 needs TypeScript 6)', () => {
    const { options, errors } = ts.convertCompilerOptionsFromJson({ module: 'preserve', lib: ['es2025'], target: 'es2025', ...compilerOptions, types: [] }, projectRoot);
    assert.deepEqual(errors.map((e) => ts.flattenDiagnosticMessageText(e.messageText, '\n')), []);
    assert.ok(options.target !== undefined && options.lib?.length, 'manifest.json sets lib and target');
  });

  it('every firmware and driver module compiles with mcconfig\'s options and only those declarations, without an error', () => {
    const config = ts.getParsedCommandLineOfConfigFile(path.join(projectRoot, 'tsconfig.firmware.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => assert.fail(String(d.messageText)) })!;
    const { options } = ts.convertCompilerOptionsFromJson({ ...compilerOptions, types: [] }, projectRoot);
    // tsconfig.firmware.json's files, minus our declarations mcconfig is not given, plus the stand-ins for the SDK's.
    const listed = new Set(types.flatMap((entry) => (entry.startsWith('./') ? [`${entry}.d.ts`] : SDK_STAND_INS[entry]!).map((file) => path.join(projectRoot, file))));
    const rootNames = [...new Set([...config.fileNames.filter((file) => !file.includes(`${path.sep}typings${path.sep}moddable${path.sep}`) || listed.has(file)), ...listed])];
    const program = ts.createProgram(rootNames, { ...config.options, ...options, noEmit: true, skipLibCheck: false, types: [] });
    const problems = ts.getPreEmitDiagnostics(program)
      .filter((d) => !d.file || !d.file.fileName.includes('node_modules')) // @moddable/typings 5.6.0's own lapses
      .map((d) => `${d.file ? path.relative(projectRoot, d.file.fileName) : ''}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
    assert.deepEqual(problems, []);
    assert.ok(program.getSourceFiles().some((f) => f.fileName.endsWith('firmware/crypto/moddable-crypt-port.ts')));
  });
});
