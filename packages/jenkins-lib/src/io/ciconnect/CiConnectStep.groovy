package io.ciconnect

/**
 * What ciConnectEvaluate, ciConnectTriggerDeployment and ciConnectPromote share: run the CLI with
 * `sh(returnStatus: true)` inside `withEnv` and `withCredentials`, read its --json result, archive
 * the reports, ask for an approval with `input` when the CLI exits 5, and turn the exit code into
 * the build result (Outcome). `steps` is the calling vars script (`this`), through which every
 * pipeline step is called; this class is Serializable so a CPS checkpoint (e.g. while `input`
 * waits) can save it.
 */
class CiConnectStep implements Serializable {
  private static final long serialVersionUID = 1L

  // Neither the field nor the methods are private: CPS-transformed closures cannot reach the
  // private members of the class that defines them (a MissingMethodException at run time).
  final Object steps

  CiConnectStep(Object steps) {
    this.steps = steps
  }

  /** Runs `ci-connect <command>` with the step's arguments; returns [result, score, evaluationId, exitCode]. */
  Map run(String command, Map args) {
    Map call
    try {
      call = Invocation.build(command, args, steps.env.BUILD_URL as String)
    } catch (ArgumentError e) {
      steps.error("ci-connect ${command}: ${e.message}")
    }
    String jsonFile = "${steps.pwd(tmp: true)}/ci-connect-${UUID.randomUUID()}.json"
    Map outcome = attempt(call, jsonFile, null)
    try {
      if (outcome.action == 'approval' && call.approval == 'input') {
        String approver = askApproval(call, outcome)
        outcome = attempt(call, jsonFile, approver)
        outcome.approvedBy = approver
      }
    } finally {
      archive(call.reportDir as String, outcome)
    }
    return finish(outcome, call)
  }

  Map attempt(Map call, String jsonFile, String approvedBy) {
    List<String> env = new ArrayList<String>((List<String>) call.env)
    env.add("${Invocation.JSON_VAR}=${jsonFile}".toString())
    // The CLI reads --approved-by from CI_CONNECT_APPROVED_BY: the approver's id stays out of shell text too.
    if (approvedBy != null) env.add("CI_CONNECT_APPROVED_BY=${approvedBy}".toString())
    int exitCode = (int) steps.withEnv(env) {
      List credentials = (List) call.credentials
      credentials.isEmpty() ? runCli(call) : steps.withCredentials(credentials) { runCli(call) }
    }
    String json = steps.fileExists(jsonFile) ? steps.readFile(file: jsonFile, encoding: 'UTF-8') : null
    String reportEvaluation = call.command == 'evaluate' ? null : readIfExists("${call.reportDir}/evaluation.json")
    return Outcome.interpret((String) call.command, exitCode, json, reportEvaluation)
  }

  /**
   * The CLI's `sh` step; returns its exit status. A method, not a closure handed around and called
   * with `Closure.call()`: the built-in whitelist lists only call(Object) and call(Object[]), not call().
   */
  Object runCli(Map call) {
    return steps.sh(script: call.script, returnStatus: true, label: "ci-connect ${call.command}".toString())
  }

  String readIfExists(String file) {
    return steps.fileExists(file) ? steps.readFile(file: file, encoding: 'UTF-8') : null
  }

  /** An `input` step naming stage, service and version; returns the id of the person who approved. */
  String askApproval(Map call, Map outcome) {
    Map params = [
      message: "ci-connect: approve ${outcome.service} ${outcome.version} in ${outcome.stage}?".toString(),
      ok: 'Approve',
      submitterParameter: 'approvedBy',
    ]
    if (call.submitter != null) params.submitter = call.submitter
    steps.echo(outcome.message as String)
    Object answer = steps.input(params)
    String approver = answer instanceof Map ? answer.approvedBy : answer
    if (approver == null || approver.trim().isEmpty())
      steps.error('ci-connect: the input step returned no approver id (submitterParameter); cannot record who approved')
    return approver
  }

  /**
   * junit, the report directory as artifacts, and its HTML report where the HTML Publisher plugin
   * is installed: only when the directory's evaluation.json is this run's. The CLI writes no report
   * when it fails before a verdict (exit 2, 3, 70) or runs no evaluation, and a workspace kept from
   * an earlier build still holds that build's reports.
   */
  void archive(String reportDir, Map outcome) {
    String evaluation = readIfExists("${reportDir}/evaluation.json")
    if (evaluation == null) return
    if (outcome.reportEvaluationId == null || Outcome.evaluationIdOf(evaluation) != outcome.reportEvaluationId) {
      steps.echo("ci-connect: ${reportDir} holds no report of this run; nothing published".toString())
      return
    }
    if (steps.fileExists("${reportDir}/junit.xml")) {
      // The build result is this step's to set (a warning is UNSTABLE, not each objective's test).
      steps.junit(testResults: "${reportDir}/junit.xml".toString(), allowEmptyResults: true, skipMarkingBuildUnstable: true)
    }
    steps.archiveArtifacts(artifacts: "${reportDir}/**".toString(), allowEmptyArchive: true)
    if (!steps.fileExists("${reportDir}/index.html")) return
    try {
      steps.publishHTML([
        reportDir: reportDir,
        reportFiles: 'index.html',
        reportName: "ci-connect ${outcome.gate ?: 'report'}".toString(),
        keepAll: true,
        alwaysLinkToLastBuild: true,
        allowMissing: true,
      ])
    } catch (NoSuchMethodError ignored) {
      steps.echo("ci-connect: the HTML report is archived in ${reportDir}/index.html; install the HTML Publisher plugin for a link on the build page")
    }
  }

  Map finish(Map outcome, Map call) {
    Map result = [result: outcome.result, score: outcome.score, evaluationId: outcome.evaluationId, exitCode: outcome.exitCode]
    switch (outcome.action) {
      case 'success':
        steps.echo(outcome.message as String)
        return result
      case 'unstable':
        steps.unstable(outcome.message as String)
        return result
      case 'approval':
        String why = outcome.approvedBy != null
          ? "the stage still waits after ${outcome.approvedBy} approved in the input step; see the log above"
          : "approval: '${call.approval}': give approval: 'input' to ask with an input step"
        steps.error("${outcome.message} (${why})".toString())
        return result
      default:
        steps.error(outcome.message as String)
        return result
    }
  }
}
