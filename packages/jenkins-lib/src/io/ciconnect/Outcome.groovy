package io.ciconnect

import com.cloudbees.groovy.cps.NonCPS
import groovy.json.JsonSlurper

/**
 * What a CLI run means for the build (DESIGN.md section 4, exit codes): 0 success, 4 unstable,
 * 1 failure naming the objectives that failed, 2/3/70 an error with the CLI's message and hint
 * (for a --dry-run whose checks found problems: each problem and its hint),
 * 5 an approval to ask for; anything else (no JSON: the command was not found, or was stopped) an
 * error that says so.
 *
 * Pure and @NonCPS: it parses the --json text with JsonSlurper (on Script Security's built-in
 * whitelist, unlike JsonSlurperClassic, so a folder library needs no script approval) and returns
 * only Strings, numbers and Maps of them: JsonSlurper's lazy maps, which a CPS checkpoint cannot
 * save, never leave these @NonCPS methods.
 */
class Outcome implements Serializable {
  private static final long serialVersionUID = 1L

  /**
   * The outcome of `ci-connect <command> --json` that exited `exitCode` and printed `jsonText`
   * (null when it wrote no file). For a stage run, `reportEvaluationText` is the report
   * directory's evaluation.json (or null): the objectives of the run's gate.
   * Returns a Map: action (success | unstable | failure | approval | error), message, result,
   * score, evaluationId, exitCode, reportEvaluationId (the evaluation whose reports the run wrote,
   * or null), and for an approval: stage, service, version.
   */
  @NonCPS
  static Map interpret(String command, int exitCode, String jsonText, String reportEvaluationText) {
    Object json = parse(jsonText)
    Map base = [exitCode: exitCode, result: null, score: null, evaluationId: null]
    if (json instanceof Map && json.kind == 'error') return base + errorOutcome(command, exitCode, (Map) json)
    // A --dry-run's plan whose checks found problems exits 2 or 3, as the run would.
    if (json instanceof Map && json.checks instanceof Map && exitCode in [2, 3])
      return base + errorOutcome(command, exitCode, planProblems((Map) json))
    if (json == null || !(exitCode in [0, 1, 4, 5])) {
      base.result = 'error'
      base.action = 'error'
      base.message = noResultMessage(command, exitCode, json == null)
      return base
    }
    Map verdict = command == 'evaluate' ? evaluationVerdict((Map) json) : stageVerdict(json, parse(reportEvaluationText))
    return base + verdict + [action: action(exitCode), message: message(command, exitCode, verdict)]
  }

  /** The id of the evaluation record in `jsonText` (a report directory's evaluation.json), or null. */
  @NonCPS
  static String evaluationIdOf(String jsonText) {
    Object json = parse(jsonText)
    return json instanceof Map && json.id != null ? json.id.toString() : null
  }

  @NonCPS
  private static Object parse(String text) {
    if (text == null || text.trim().isEmpty()) return null
    try {
      return new JsonSlurper().parseText(text)
    } catch (Exception ignored) {
      return null
    }
  }

  @NonCPS
  private static String action(int exitCode) {
    switch (exitCode) {
      case 0: return 'success'
      case 4: return 'unstable'
      case 5: return 'approval'
      default: return 'failure'
    }
  }

  @NonCPS
  private static Map errorOutcome(String command, int exitCode, Map error) {
    String kind = exitCode == 2 ? 'configuration or usage error (exit 2; retrying will not help)'
      : exitCode == 3 ? 'an external system is unavailable (exit 3; retrying may help)'
      : exitCode == 70 ? 'internal error in ci-connect (exit 70; please report it)'
      : "error (exit ${exitCode})"
    String text = "ci-connect ${command}: ${kind}: ${error.message}"
    if (error.hint) text += "\nhint: ${error.hint}"
    return [action: 'error', result: 'error', message: text.toString()]
  }

  /** A dry run's plan with problems as an error: each problem where it is, with its hint. */
  @NonCPS
  private static Map planProblems(Map plan) {
    Map setup = plan.setup instanceof Map ? (Map) plan.setup : [:]
    List problems = ((Map) plan.checks).problems instanceof List ? (List) ((Map) plan.checks).problems : []
    String text = "dry run of ${setup.stage}.${setup.sequence} for ${setup.service}: ${problems.size()} " +
      "problem${problems.size() == 1 ? '' : 's'}; the run would stop before its first task:"
    problems.eachWithIndex { Object p, int i ->
      Map problem = p instanceof Map ? (Map) p : [:]
      text += "\n  ${i + 1}. ${problem.where}: ${problem.message}"
      if (problem.hint) text += "\n     hint: ${problem.hint}"
    }
    return [message: text.toString()]
  }

  @NonCPS
  private static String noResultMessage(String command, int exitCode, boolean noJson) {
    String why = exitCode == 127 ? 'the command was not found'
      : exitCode == 130 || exitCode == 143 ? 'it was stopped'
      : noJson ? 'it printed no JSON result' : 'an unexpected exit code'
    return ("ci-connect ${command} exited ${exitCode}: ${why}; see the log above. Check the step's " +
      "`cli` argument (default '${Invocation.DEFAULT_CLI}') and that Node.js >= 20.19 is on the agent's PATH").toString()
  }

  /** evaluate --json: one evaluation record. */
  @NonCPS
  private static Map evaluationVerdict(Map evaluation) {
    return [
      result: evaluation.result,
      score: number(evaluation.score),
      evaluationId: evaluation.id,
      reportEvaluationId: evaluation.id,
      gate: gateName(evaluation),
      objectives: objectivesText(evaluation),
      detail: evaluation.message,
    ]
  }

  /** trigger-deployment/promote --json: the sequence runs (or, for promote, {source, runs}). */
  @NonCPS
  private static Map stageVerdict(Object json, Object reportEvaluation) {
    List runs = json instanceof Map ? (List) (json.runs ?: []) : (List) json
    Map run = runs.isEmpty() ? [:] : (Map) runs[0]
    List tasks = (List) (run.tasks ?: [])
    Map gate = (Map) tasks.reverse().find { Map t -> t.details instanceof Map && t.details.evaluationId != null }
    Map evaluation = reportEvaluation instanceof Map ? (Map) reportEvaluation : null
    // The report directory holds the job's last evaluation, which may be a later run's.
    Map lastGate = (Map) runs.collectMany { Map r -> (List) (r.tasks ?: []) }.reverse()
      .find { Map t -> t.details instanceof Map && t.details.evaluationId != null }
    Map waiting = (Map) tasks.find { Map t -> t.status == 'waiting' }
    Map failed = (Map) tasks.find { Map t -> t.result == 'fail' && t.status != 'waiting' }
    String detail = run.message ?: ''
    if (failed != null && !detail.contains(failed.message as String)) detail += "; task ${failed.task}: ${failed.message}"
    return [
      result: waiting != null ? 'waiting' : run.result,
      score: gate == null ? null : number(gate.details.score),
      evaluationId: gate == null ? null : gate.details.evaluationId,
      reportEvaluationId: lastGate == null ? null : lastGate.details.evaluationId,
      // No run: a --dry-run (given in extraArgs) prints a plan instead.
      gate: run.isEmpty() ? 'no sequence ran' : "${run.service} ${run.version} in ${run.stage} (${run.sequence})".toString(),
      objectives: evaluation != null && evaluation.id == gate?.details?.evaluationId ? objectivesText(evaluation) : '',
      detail: waiting != null ? waiting.message : detail,
      stage: run.stage,
      service: run.service,
      version: run.version,
    ]
  }

  @NonCPS
  private static String message(String command, int exitCode, Map verdict) {
    String score = verdict.score == null ? '' : " (score ${formatScore((Number) verdict.score)})"
    String head = "ci-connect ${command}: ${verdict.gate}: ${verdict.result}${score}"
    switch (exitCode) {
      case 4:
        return "${head}. Objectives in warning: ${verdict.objectives ?: 'none'}. ${verdict.detail ?: ''}".toString().trim()
      case 1:
        // onWarning 'fail' makes a warning exit 1: its objectives are in warning, not failed.
        String which = verdict.result == 'warning' ? 'Objectives in warning' : 'Objectives that failed'
        String objectives = verdict.objectives ? " ${which}: ${verdict.objectives}." : ''
        return "${head}.${objectives} ${verdict.detail ?: ''}".toString().trim()
      case 5:
        return "ci-connect ${command}: ${verdict.detail}".toString()
      default:
        return "${head}. ${verdict.detail ?: ''}".toString().trim()
    }
  }

  /** The objectives whose status is the evaluation's result (fail or warning), named with value and violated criteria. */
  @NonCPS
  private static String objectivesText(Map evaluation) {
    String wanted = evaluation.result == 'pass' ? null : evaluation.result
    List objectives = (List) (evaluation.objectives ?: [])
    List<String> named = objectives.findAll { Map o -> wanted != null && o.status == wanted }.collect { Map o ->
      String name = o.displayName ?: o.sli
      String value = o.value == null ? 'no value' : formatNumber((Number) o.value)
      List<String> violated = ((List) (o.passTargets ?: [])).findAll { Map t -> t.violated }.collect { Map t -> t.criteria.toString() }
      String text = "${name} = ${value}"
      if (!violated.isEmpty()) text += " (violates ${violated.join(', ')})"
      if (o.message) text += ": ${o.message}"
      text.toString()
    }
    return named.join('; ')
  }

  @NonCPS
  private static String gateName(Map e) {
    String version = e.version ? " ${e.version}" : ''
    return "${e.service}${version} in ${e.stage}".toString()
  }

  @NonCPS
  private static Double number(Object value) {
    return value instanceof Number ? ((Number) value).doubleValue() : null
  }

  @NonCPS
  static String formatScore(Number score) {
    return String.format(Locale.ROOT, '%.2f%%', score.doubleValue())
  }

  @NonCPS
  private static String formatNumber(Number value) {
    double d = value.doubleValue()
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? String.valueOf((long) d) : String.format(Locale.ROOT, '%.4g', d)
  }
}
