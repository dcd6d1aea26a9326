/**
 * Whether the jmeter that answers `--version` can also load and run a test plan: Debian's
 * JMeter 2.13 package answers `--version` and then refuses every plan ("Error in NonGUIDriver
 * ... ForbiddenClassException", exit code 0), which a stage run would find out only after it
 * had deployed. The check runs a one-sample plan (a Debug Sampler, no network) in non-GUI
 * mode, in a scratch directory: its results and its log (`-j`) go there, never to the
 * working directory.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CiConnectError } from '../errors.js';
import { createRedactor } from '../redaction/redaction.js';
import { JmeterOutputWatcher } from '../tools/jmeter/jmeter-output.js';
import type { ProcessRunner } from '../tools/process.js';
import { runProcess } from '../tools/process.js';

const PLAN_TIMEOUT_MS = 60_000;

/** One thread, one Debug Sampler, one loop: loads like any plan, samples nothing outside JMeter. */
const DOCTOR_PLAN = `<?xml version="1.0" encoding="UTF-8"?>
<jmeterTestPlan version="1.2" properties="2.8">
  <hashTree>
    <TestPlan guiclass="TestPlanGui" testclass="TestPlan" testname="ci-connect doctor" enabled="true">
      <elementProp name="TestPlan.user_defined_variables" elementType="Arguments" guiclass="ArgumentsPanel" testclass="Arguments" enabled="true">
        <collectionProp name="Arguments.arguments"/>
      </elementProp>
      <boolProp name="TestPlan.functional_mode">false</boolProp>
      <boolProp name="TestPlan.serialize_threadgroups">false</boolProp>
    </TestPlan>
    <hashTree>
      <ThreadGroup guiclass="ThreadGroupGui" testclass="ThreadGroup" testname="doctor" enabled="true">
        <stringProp name="ThreadGroup.on_sample_error">continue</stringProp>
        <elementProp name="ThreadGroup.main_controller" elementType="LoopController" guiclass="LoopControlPanel" testclass="LoopController" enabled="true">
          <boolProp name="LoopController.continue_forever">false</boolProp>
          <stringProp name="LoopController.loops">1</stringProp>
        </elementProp>
        <stringProp name="ThreadGroup.num_threads">1</stringProp>
        <stringProp name="ThreadGroup.ramp_time">0</stringProp>
        <boolProp name="ThreadGroup.scheduler">false</boolProp>
        <stringProp name="ThreadGroup.duration"></stringProp>
        <stringProp name="ThreadGroup.delay"></stringProp>
      </ThreadGroup>
      <hashTree>
        <DebugSampler guiclass="TestBeanGUI" testclass="DebugSampler" testname="ci-connect doctor" enabled="true">
          <boolProp name="displayJMeterProperties">false</boolProp>
          <boolProp name="displayJMeterVariables">false</boolProp>
          <boolProp name="displaySystemProperties">false</boolProp>
        </DebugSampler>
        <hashTree/>
      </hashTree>
    </hashTree>
  </hashTree>
</jmeterTestPlan>
`;

/** What the plan run showed: undefined when JMeter loaded and ran it, else why not. */
export interface PlanCheckProblem {
  detail: string;
  hint: string;
}

const INSTALL_HINT =
  'install Apache JMeter from https://jmeter.apache.org/download_jmeter.cgi (Debian\u2019s jmeter 2.13 ' +
  'package cannot load plans), or set JMETER_BIN to a jmeter that can';

/** The argv that runs the doctor plan with `jmeter` in `scratch`: results and log stay there. */
export function planCheckArgs(jmeter: string, scratch: string): string[] {
  return [
    jmeter,
    ...[
      '-n',
      '-t',
      join(scratch, 'doctor.jmx'),
      '-l',
      join(scratch, 'doctor.jtl'),
      '-j',
      join(scratch, 'jmeter.log'),
    ],
    '-Jjmeter.save.saveservice.output_format=csv',
  ];
}

/** Runs the doctor plan with `jmeter` in the (empty, scratch) directory `scratch`. */
export async function checkPlanLoads(
  jmeter: string,
  scratch: string,
  deps: { env: Readonly<Record<string, string | undefined>>; runProcess?: ProcessRunner },
): Promise<PlanCheckProblem | undefined> {
  await writeFile(join(scratch, 'doctor.jmx'), DOCTOR_PLAN);
  const watcher = new JmeterOutputWatcher(createRedactor());
  const shown = '`jmeter -n -t <a one-sample plan>`';
  let result;
  try {
    result = await (deps.runProcess ?? runProcess)({
      argv: planCheckArgs(jmeter, scratch),
      env: { ...deps.env },
      cwd: scratch,
      timeoutMs: PLAN_TIMEOUT_MS,
      onLine: watcher.onLine,
    });
  } catch (error) {
    if (!(error instanceof CiConnectError)) throw error;
    return { detail: `${shown}: ${error.message}`, hint: error.hint ?? INSTALL_HINT };
  }
  if (watcher.facts.planError !== undefined) {
    return {
      detail: `answers --version but cannot load a test plan: ${watcher.facts.planError}`,
      hint: INSTALL_HINT,
    };
  }
  if (result.timedOut) {
    return {
      detail: `${shown} did not finish within ${PLAN_TIMEOUT_MS / 1000} s`,
      hint: 'run a plan by hand (jmeter -n -t plan.jmx) to see why it hangs',
    };
  }
  if (result.exitCode !== 0) {
    return {
      detail: `${shown} exited with ${result.exitCode ?? result.signal ?? 'a signal'}`,
      hint: 'run a plan by hand (jmeter -n -t plan.jmx) to see why it fails',
    };
  }
  const results = await readFile(join(scratch, 'doctor.jtl'), 'utf8').catch(() => '');
  if (!results.includes('ci-connect doctor')) {
    return {
      detail: `${shown} ran but wrote no sample to its results file`,
      hint: 'run a plan by hand (jmeter -n -t plan.jmx -l results.jtl) and read its jmeter.log',
    };
  }
  return undefined;
}
