package io.ciconnect

import com.cloudbees.groovy.cps.NonCPS

/**
 * How a ciConnect* step runs the CLI, as plain data: the variables for `withEnv` and a shell
 * script that names only variables. No value from the step's arguments ever becomes shell text:
 * flags travel in the CLI's own CI_CONNECT_* variables, and every other word of the command line
 * (the `cli` words, labels, extraArgs) in a numbered CI_CONNECT_JENKINS_ARG_<n> variable that the
 * script quotes. So a quote, `$(...)` or a newline in a value is a value, not a command.
 *
 * Pure and @NonCPS: it calls no pipeline step and returns only Strings, Lists and Maps. It uses
 * only what Script Security's built-in whitelist allows, so it runs as a folder library too.
 */
class Invocation implements Serializable {
  private static final long serialVersionUID = 1L

  /** The command that runs the CLI when the step has no `cli` argument. */
  static final String DEFAULT_CLI = 'npx --yes ci-connect@0.1.0'
  static final String DEFAULT_REPORT_DIR = 'ci-connect-report'
  /** The variable naming the file the CLI's --json result goes to. */
  static final String JSON_VAR = 'CI_CONNECT_JENKINS_JSON'
  static final String ARG_VAR = 'CI_CONNECT_JENKINS_ARG_'

  /** Keys every step takes that become a CLI flag through its env var (packages/cli/src/flags.ts). */
  private static final Map<String, String> COMMON_FLAGS = [
    service: 'CI_CONNECT_SERVICE',
    version: 'CI_CONNECT_VERSION',
    project: 'CI_CONNECT_PROJECT',
    configDir: 'CI_CONNECT_CONFIG_DIR',
    history: 'CI_CONNECT_HISTORY',
    onWarning: 'CI_CONNECT_ON_WARNING',
    reportDir: 'CI_CONNECT_REPORT_DIR',
  ]

  /** Per command, the keys besides the common ones, and their env vars. */
  private static final Map<String, Map<String, String>> COMMAND_FLAGS = [
    evaluate: [
      stage: 'CI_CONNECT_STAGE',
      start: 'CI_CONNECT_START',
      end: 'CI_CONNECT_END',
      timeframe: 'CI_CONNECT_TIMEFRAME',
      slo: 'CI_CONNECT_SLO',
      values: 'CI_CONNECT_VALUES',
      jtl: 'CI_CONNECT_JTL',
    ],
    'trigger-deployment': [
      stage: 'CI_CONNECT_STAGE',
      image: 'CI_CONNECT_IMAGE',
      sequence: 'CI_CONNECT_SEQUENCE',
      url: 'CI_CONNECT_URL',
    ],
    // promote has no --stage: the step's `stage` is the stage to deploy to (--to).
    promote: [
      stage: 'CI_CONNECT_TO_STAGE',
      from: 'CI_CONNECT_FROM_STAGE',
      image: 'CI_CONNECT_IMAGE',
      sequence: 'CI_CONNECT_SEQUENCE',
      url: 'CI_CONNECT_URL',
    ],
  ]

  /** Keys the step itself uses. */
  private static final List<String> STEP_KEYS = ['labels', 'credentials', 'cli', 'approval', 'submitter', 'extraArgs']

  private static final List<String> ON_WARNING = ['pass', 'warn', 'fail']
  private static final List<String> APPROVAL = ['input', 'fail']

  /**
   * The call for `command` (evaluate, trigger-deployment, promote) with the step's arguments.
   * `buildUrl` (env.BUILD_URL) becomes the label ciJobUrl unless the step gives one, so the
   * report links each evaluation to its build. Throws ArgumentError for a bad argument.
   */
  @NonCPS
  static Map build(String command, Map args, String buildUrl) {
    Map<String, String> flagVars = flagVarsOf(command)
    Map given = args == null ? [:] : args
    checkKeys(command, given, flagVars)
    String onWarning = text(given, 'onWarning') ?: 'warn'
    if (!ON_WARNING.contains(onWarning))
      throw new ArgumentError("onWarning: '${onWarning}' is not one of ${ON_WARNING.join(', ')}")
    String approval = text(given, 'approval') ?: 'input'
    if (!APPROVAL.contains(approval))
      throw new ArgumentError("approval: '${approval}' is not one of ${APPROVAL.join(', ')}")
    String reportDir = text(given, 'reportDir') ?: DEFAULT_REPORT_DIR

    List<String> env = []
    flagVars.each { String key, String variable ->
      String value = key == 'onWarning' ? onWarning : key == 'reportDir' ? reportDir : text(given, key)
      if (value != null) env << "${variable}=${value}".toString()
    }
    List<String> words = []
    List<String> cli = cliWords(given.cli)
    List<String> rest = []
    labelsOf(given.labels, buildUrl).each { String label -> rest << '--label' << label }
    rest.addAll(listOf(given.extraArgs, 'extraArgs'))
    // The script: the cli words and the rest as quoted variables; the command and --json as text.
    int n = 0
    (cli + rest).each { String word -> env << "${ARG_VAR}${n++}=${word}".toString() }
    List<String> script = []
    for (int i = 0; i < cli.size(); i++) script << "\"\$${ARG_VAR}${i}\"".toString()
    script << command << '--json'
    for (int i = cli.size(); i < n; i++) script << "\"\$${ARG_VAR}${i}\"".toString()
    return [
      command: command,
      env: env,
      script: script.join(' ') + " >\"\$${JSON_VAR}\"",
      reportDir: reportDir,
      approval: approval,
      submitter: text(given, 'submitter'),
      credentials: given.credentials == null ? [] : given.credentials,
      cli: cli.join(' '),
    ]
  }

  @NonCPS
  private static Map<String, String> flagVarsOf(String command) {
    Map<String, String> own = COMMAND_FLAGS[command]
    if (own == null) throw new ArgumentError("unknown ci-connect command '${command}'")
    return COMMON_FLAGS + own
  }

  @NonCPS
  private static void checkKeys(String command, Map given, Map<String, String> flagVars) {
    List<String> known = new ArrayList<String>(flagVars.keySet()) + STEP_KEYS
    List<String> unknown = given.keySet().collect { it.toString() }.findAll { !known.contains(it) }
    if (!unknown.isEmpty()) {
      throw new ArgumentError(
        "unknown argument ${unknown.join(', ')} for ci-connect ${command}; known: ${known.sort().join(', ')}")
    }
    if (given.credentials != null && !(given.credentials instanceof List))
      throw new ArgumentError('credentials: give a list of bindings, e.g. [string(credentialsId: \'dt-token\', variable: \'DT_API_TOKEN\')]')
  }

  /** A String (or number) argument, or null when absent or blank. */
  @NonCPS
  private static String text(Map given, String key) {
    Object value = given[key]
    if (value == null) return null
    if (!(value instanceof CharSequence || value instanceof Number || value instanceof Boolean))
      throw new ArgumentError("${key}: give a string, not a ${value.getClass().simpleName}")
    String s = value.toString()
    return s.trim().isEmpty() ? null : s
  }

  /** `cli` as words: a List as it is, a String split at whitespace (no shell quoting applies). */
  @NonCPS
  private static List<String> cliWords(Object cli) {
    if (cli == null) return DEFAULT_CLI.split(/\s+/).toList()
    List<String> words = cli instanceof List ? listOf(cli, 'cli') : cli.toString().trim().split(/\s+/).findAll { it != '' }
    if (words.isEmpty() || words[0] == '') throw new ArgumentError('cli: give the command that runs ci-connect, e.g. npx --yes ci-connect@0.1.0')
    return words
  }

  @NonCPS
  private static List<String> listOf(Object value, String key) {
    if (value == null) return []
    if (!(value instanceof List)) throw new ArgumentError("${key}: give a list of strings")
    return value.collect { Object item ->
      if (item == null) throw new ArgumentError("${key}: an item is null")
      item.toString()
    }
  }

  /** `key=value` labels: ciJobUrl from BUILD_URL first (when not given), then the step's. */
  @NonCPS
  private static List<String> labelsOf(Object labels, String buildUrl) {
    if (labels != null && !(labels instanceof Map))
      throw new ArgumentError('labels: give a map, e.g. [buildId: env.BUILD_NUMBER]')
    Map given = labels == null ? [:] : (Map) labels
    List<String> out = []
    if (buildUrl != null && !buildUrl.trim().isEmpty() && !given.containsKey('ciJobUrl'))
      out << "ciJobUrl=${buildUrl}".toString()
    given.each { key, value -> out << "${key}=${value == null ? '' : value}".toString() }
    return out
  }
}
