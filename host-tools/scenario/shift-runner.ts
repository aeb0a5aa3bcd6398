// Runs a shift (a scenario file) on the simulated camera: keys on first use, and the camera
// provisioned over its dock link as the equipment room does it, the officer's button presses, power cuts and reboots, then the camera in the dock
// over a real pseudo-terminal to `chaincam dock`, and finally verify and export on the
// dock's evidence store. Everything lands in one data directory, shift after shift.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { legalGround } from '../../firmware/policy/legal-grounds.js';
import { NodeCryptoPort } from '../crypto/node-crypto-port.js';
import { createDockKeyFile } from '../dock/dock-key.js';
import { ptyPair } from '../dock/pty-pair.js';
import { openShiftLedger, recordingKey } from './shift-ledger.js';
import { exportStore } from '../export/export-store.js';
import { initKeys } from '../keys/keys-command.js';
import { timelinePicture } from '../bench/timeline-picture.js';
import { SimulatedBoard } from '../sim/board.js';
import { IDENTITY_FILE } from '../../firmware/format/provisioning-layout.js';
import { signPanel, signWrites } from '../sim/peripherals.js';
import { projectRoot } from '../sim/project-root.js';
import { SerialBridge } from '../sim/serial-bridge.js';
import { boardTarget } from '../sim/targets.js';
import { EvidenceStore } from '../store/evidence-store.js';
import type { RecordingFinding } from '../verify/recording-tally.js';
import { verifyStore } from '../verify/verify-store.js';
import { chooseWhileRecording, emergencyStart, recordOn, stopRecording } from './officer-hands.js';
import { describeEvent, type CameraEvent } from './shift-events.js';
import type { Scenario, ScenarioStep } from './scenario-file.js';

export interface ShiftPaths {
  data: string;
  keys: string;
  flash: string;
  /** The camera's simulated microSD card (card.json, volume/), when the scenario gives one. */
  card: string;
  store: string;
  exports: string;
  pictures: string;
}

export interface ShiftResult {
  ok: boolean;
  shift: number;
  recordings: number[];
  exported: string[];
  pictures: string[];
  problems: string[];
}

export function shiftPaths(dataDir: string): ShiftPaths {
  const data = path.resolve(dataDir);
  return { data, keys: path.join(data, 'keys'), flash: path.join(data, 'camera-flash'), card: path.join(data, 'camera-sd-card'), store: path.join(data, 'store'), exports: path.join(data, 'export'), pictures: path.join(data, 'pictures') };
}

function stamp(seconds: number): string {
  return `${seconds.toFixed(1).padStart(7)} s`;
}

/** The agency and dock keys, created once and then reused. */
function prepareKeys(paths: ShiftPaths, log: (line: string) => void): { agencyKey: string; dockKey: string } {
  const port = new NodeCryptoPort();
  const agencyKey = path.join(paths.keys, 'agency.key');
  if (!fs.existsSync(agencyKey)) {
    const made = initKeys(paths.keys, 'chaincam simulated camera', port);
    log(`keys: created the agency key ${made.agencyKeyId} in ${paths.keys}`);
  }
  const dockKey = path.join(paths.keys, 'dock.key');
  if (!fs.existsSync(dockKey)) createDockKeyFile(port, dockKey);
  return { agencyKey, dockKey };
}

/** The dock takes only the cameras provisioned over their link (a data directory from before that has none). */
function registryArgs(paths: ShiftPaths): string[] {
  const cameras = path.join(paths.keys, 'cameras');
  return fs.existsSync(cameras) ? ['--cameras', cameras] : [];
}

/** Runs a chaincam command in a child process, as a person at the dock would. */
async function runChaincam(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [path.join(projectRoot, 'bin/chaincam.js'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, stdout, stderr };
}

/**
 * A camera fresh from `chaincam flash` has an empty flash: it waits on its dock link, and
 * `chaincam provision --port` gives it the agency key and this dock, over a real pty.
 */
async function provisionNewCamera(paths: ShiftPaths, dockKey: string, target: string | undefined, log: (line: string) => void): Promise<void> {
  if (fs.existsSync(path.join(paths.flash, IDENTITY_FILE))) return;
  log('equipment room: a freshly flashed camera (empty flash) is provisioned over its dock link');
  const board = await SimulatedBoard.boot({ target, storage: { dir: paths.flash } });
  const pair = await ptyPair();
  const bridge = await SerialBridge.open({ board, path: pair.camera });
  bridge.start();
  try {
    const run = await runChaincam(['provision', '--port', pair.dock, '--keys', paths.keys, '--dock-key', dockKey, '--label', 'chaincam simulated camera']);
    if (run.code !== 0) throw new Error(`chaincam provision failed (exit ${run.code}): ${run.stderr.trim()}`);
    log(`equipment room: ${run.stdout.trim()}`);
  } finally {
    await bridge.close();
    await pair.close();
    await board.close();
  }
}

export async function runShift(scenario: Scenario, dataDir: string, log: (line: string) => void): Promise<ShiftResult> {
  const paths = shiftPaths(dataDir);
  fs.mkdirSync(paths.data, { recursive: true });
  const { agencyKey, dockKey } = prepareKeys(paths, log);
  await provisionNewCamera(paths, dockKey, scenario.target, log);
  const ledger = openShiftLedger(paths.data, [paths.exports, paths.pictures]);
  const shift = ledger.shift;
  const result: ShiftResult = { ok: true, shift, recordings: [], exported: [], pictures: [], problems: [] };
  const target = scenario.target;
  const config = (boardTarget(target).config as Record<string, any>);
  const overrides = { chaincam: { ...config.chaincam, capture: { ...config.chaincam?.capture, ...scenario.capture } } };
  const epochAtStart = Math.floor(Date.now() / 1000) * 1000;
  const events: CameraEvent[] = [];
  let board: SimulatedBoard | undefined;
  let bootAt = 0;
  const sceneNow = () => bootAt + (board ? board.now / 1000 : 0);
  const pictureOf: { from?: number; board?: SimulatedBoard; epochMs?: number; done?: boolean } = {};

  const onTrace = (text: string, t: number) => {
    if (text.startsWith('event ')) {
      const event = JSON.parse(text.slice(6)) as CameraEvent;
      events.push(event);
      if (event.type === 'recording-start') result.recordings.push(event.recording as number);
      const line = describeEvent(event);
      if (line) log(`${stamp(bootAt + t / 1000)}  camera  ${line}`);
    } else if (/^(recovery|storage|capture error|chaincam:)/.test(text)) {
      log(`${stamp(bootAt + t / 1000)}  camera  ${text.trimEnd()}`);
    }
  };

  const act = async (step: ScenarioStep): Promise<void> => {
    const b = board!;
    switch (step.do) {
      case 'record': {
        log(`${stamp(sceneNow())}  officer chooses ground ${step.ground} (${legalGround(step.ground).en}) with the button and starts recording`);
        await recordOn(b, step.ground);
        await b.advance(400);
        noticeLine(b);
        if (pictureOf.from === undefined) {
          pictureOf.from = b.now - 4000;
          pictureOf.board = b;
          pictureOf.epochMs = epochAtStart + bootAt * 1000;
          const panel = signPanel(b);
          if (panel) result.pictures.push(save(path.join(paths.pictures, `shift-${shift}-sign-recording.png`), panel.png()));
        }
        break;
      }
      case 'emergency':
        log(`${stamp(sceneNow())}  officer presses and holds: one-press emergency start`);
        await emergencyStart(b);
        await b.advance(400);
        noticeLine(b);
        break;
      case 'confirm':
      case 'change-ground': {
        const current = lastGround(events);
        log(`${stamp(sceneNow())}  officer ${step.do === 'confirm' ? 'confirms' : 'changes'} the ground: ${step.ground} (${legalGround(step.ground).en})`);
        await chooseWhileRecording(b, current, step.ground);
        break;
      }
      case 'stop':
        log(`${stamp(sceneNow())}  officer holds the button 3 s to stop`);
        await stopRecording(b);
        await b.advance(500);
        if (pictureOf.board === b && !pictureOf.done) {
          pictureOf.done = true;
          result.pictures.push(save(path.join(paths.pictures, `shift-${shift}-indicators.png`), timelinePicture({
            title: `chaincam shift ${shift}: the first recording's notice (light, tones, sign) on the ${b.target.name} board`,
            from: Math.max(0, pictureOf.from!), to: b.now, timeline: b.timeline, clock: (t) => pictureOf.epochMs! + t,
            signWrites: signWrites(b),
            events: events.filter((e) => e.t >= pictureOf.from! && e.t <= b.now && e.type !== 'power-on').map((e) => ({ t: e.t, label: describeEvent(e)?.split(':')[0] ?? e.type })),
          })));
        }
        break;
      case 'notice-failure':
        log(`${stamp(sceneNow())}  hardware: the ${step.channel} dies`);
        if (step.channel === 'led') b.injectLightFault();
        else if (step.channel === 'buzzer') b.injectSoundFault();
        else {
          const panel = signPanel(b);
          if (panel) panel.answering = false;
        }
        break;
      case 'power-cut':
        log(`${stamp(sceneNow())}  POWER CUT: the battery is pulled`);
        b.storage.cutPower();
        await b.close();
        board = undefined;
        break;
      case 'dock':
        await dock(b);
        break;
      case 'power-on':
        break;
    }
  };

  const noticeLine = (b: SimulatedBoard) => {
    const since = b.now - 2000;
    const led = b.timeline.levels('led').filter((e) => e.t >= since).length;
    const tones = b.timeline.toneOnsets(since).map((e) => e.hz);
    const sign = signWrites(b).some((t) => t >= since);
    log(`${stamp(sceneNow())}  notice  LED ${led ? 'blinking' : 'DARK'}, tones ${tones.length ? tones.join('→') + ' Hz' : 'SILENT'}, sign ${sign ? 'says 녹화 중 / RECORDING' : 'NOT UPDATED'}`);
  };

  const dock = async (b: SimulatedBoard) => {
    log(`${stamp(sceneNow())}  camera goes into the dock (a real pty pair; \`chaincam dock\` on the other end)`);
    const pair = await ptyPair();
    const bridge = await SerialBridge.open({ board: b, path: pair.camera });
    bridge.start();
    try {
      const child = spawn(process.execPath, [path.join(projectRoot, 'bin/chaincam.js'), 'dock', '--port', pair.dock, '--store', paths.store, '--key', dockKey, '--once', ...registryArgs(paths)], { stdio: ['ignore', 'inherit', 'pipe'] });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      if (code !== 0) {
        result.ok = false;
        result.problems.push(`chaincam dock exited with ${code}: ${stderr.trim()}`);
      }
    } finally {
      await bridge.close();
      await pair.close();
    }
  };

  try {
    for (const step of scenario.steps) {
      if (step.do === 'power-on') {
        bootAt = step.at;
        log(`${stamp(step.at)}  camera powers on`);
        board = await SimulatedBoard.boot({ target, config: overrides, storage: { dir: paths.flash }, sdCard: scenario.sdCardBytes ? { dir: paths.card, capacityBytes: scenario.sdCardBytes } : undefined, epochMs: epochAtStart + step.at * 1000, onTrace });
        continue;
      }
      if (board && step.at > sceneNow()) await board.advanceTo((step.at - bootAt) * 1000);
      await act(step);
    }
  } finally {
    await board?.close();
  }

  // The dock's evidence store: verify everything, then export this shift's first recording.
  // Held to the cameras provisioning recorded and to this dock's key, as an auditor would.
  const provisioned = path.join(paths.keys, 'cameras');
  const pinning = { camerasDir: fs.existsSync(provisioned) ? provisioned : undefined, dockKeyFile: path.join(paths.keys, 'dock.key') };
  const store = verifyStore(paths.store, new NodeCryptoPort(), pinning);
  if (!store.ok) {
    result.ok = false;
    result.problems.push(...store.failures);
  }
  log(`verify: ${store.ok ? 'VERIFIED' : 'FAILED'}: ${store.cameras.length} camera(s), ${store.segments} stored segments${store.failures.length ? `; ${store.failures[0]}` : ''}`);
  const first = result.recordings[0];
  if (first !== undefined && store.ok) {
    const exported = exportStore(paths.store, { port: new NodeCryptoPort(), agencyKeyFile: agencyKey, outDir: path.join(paths.exports, `shift-${shift}`), recording: first, ...pinning });
    result.exported = exported.exported;
  }
  // Report this run's recordings and any others the store now holds that no finished shift
  // reported (a run interrupted before its report, docked by this one).
  const found = store.cameras.flatMap((c) => c.recordings.map((finding) => ({ deviceId: c.deviceId, finding })));
  const reporting = found.filter(({ deviceId, finding }) => result.recordings.includes(finding.recording) || !ledger.reported.has(recordingKey(deviceId, finding.recording)));
  const numbers = [...new Set([...result.recordings, ...reporting.map((r) => r.finding.recording)])].sort((a, b) => a - b);
  const lines: string[] = [];
  printReport(result, numbers, events, paths, reporting.map((r) => r.finding), (line) => {
    lines.push(line);
    log(line);
  });
  ledger.finish(reporting.map(({ deviceId, finding }) => ({ deviceId, recording: finding.recording })), `${lines.join('\n')}\n`);
  return result;
}

function lastGround(events: CameraEvent[]): number {
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]!;
    if (e.type === 'ground-change') return e.toGround as number;
    if (e.type === 'recording-start') return e.legalGround as number;
  }
  return 0;
}

function save(file: string, png: Buffer): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, png);
  return file;
}

/** Each recording as the verified store tells it, or as the camera's events do for one not docked. */
function printReport(result: ShiftResult, recordings: number[], events: CameraEvent[], paths: ShiftPaths, verified: RecordingFinding[], log: (line: string) => void): void {
  const store = EvidenceStore.open(paths.store);
  try {
    const segments = store.segments();
    log('');
    log(`shift ${result.shift} report`);
    for (const recording of recordings) {
      const finding = verified.find((r) => r.recording === recording);
      const start = events.find((e) => e.type === 'recording-start' && e.recording === recording);
      const changes = finding ? finding.grounds.length - 1 : events.filter((e) => e.type === 'ground-change' && e.recording === recording).length;
      const ground = (finding ? finding.grounds.at(-1) : lastGround(events.filter((e) => e.recording === recording))) ?? 0;
      const failures = finding ? finding.noticeFailures : events.filter((e) => e.type === 'notice-failure' && e.recording === recording).map((f) => String(f.text));
      // Losses are recorded at the reboot after a cut, straight into the chain: read them from the verified copy.
      const lost = finding?.lostSegments.length ?? 0;
      const stored = segments.filter((s) => s.recording === recording);
      const bytes = stored.reduce((sum, s) => sum + s.sealedLength, 0);
      const groundText = ground ? `ground ${ground} (${legalGround(ground).ko} / ${legalGround(ground).en})` : 'ground NOT CONFIRMED';
      const how = (finding?.startMode ?? start?.startMode) === 2 ? `, emergency start${changes ? ' confirmed' : ''}` : '';
      const notice = failures.length ? `notice: ${failures.join('; ')}` : 'notice given (LED, tones, sign)';
      const earlier = result.recordings.includes(recording) ? '' : ' (recorded in an earlier, interrupted run)';
      const clock = finding?.clockCorrection ? `; camera clock ${(-finding.clockCorrection.offsetMs / 1000).toFixed(3)} s ${finding.clockCorrection.offsetMs <= 0 ? 'ahead' : 'behind'}, corrected at docking` : '';
      log(`  recording ${recording}${earlier}: ${groundText}${how}; ${notice}; ${stored.length} segments stored (${(bytes / 1e6).toFixed(2)} MB)${lost ? `, ${lost} lost at a power cut (on the record)` : ''}${clock}`);
    }
    const released = segments.filter((s) => recordings.includes(s.recording) && s.releasedAt !== null).length;
    log(`  released on the camera after verified receipts: ${released} segments`);
    log(`  evidence store: ${paths.store} (SQLite + sealed segments); camera flash: ${paths.flash}`);
    for (const file of result.exported) log(`  exported: ${file}`);
    for (const file of result.pictures) log(`  picture: ${file}`);
    for (const problem of result.problems) log(`  PROBLEM: ${problem}`);
    log(result.ok ? `shift ${result.shift}: recorded, docked, stored and VERIFIED` : `shift ${result.shift}: FAILED (see the problems above)`);
  } finally {
    store.close();
  }
}
