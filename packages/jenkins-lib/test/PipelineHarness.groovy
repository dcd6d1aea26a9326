import groovy.json.JsonOutput
import java.util.concurrent.TimeUnit

/** `error` and a failed `sh`: Jenkins' hudson.AbortException fails the build the same way. */
class PipelineError extends RuntimeException {
  PipelineError(String message) { super(message) }
}

/** A rejected `input`: Jenkins throws FlowInterruptedException and the build is ABORTED. */
class PipelineAborted extends RuntimeException {
  PipelineAborted(String message) { super(message) }
}

/** The sections of a Declarative `pipeline { }` block that the harness runs. */
class DeclarativePipeline {
  Object agent
  Closure environment
  Closure stages

  void agent(Object agent) { this.agent = agent }
  void environment(Closure body) { environment = body }
  void stages(Closure body) { stages = body }
}

/** `stages { stage('name') { steps { ... } } }`, run in order; the first error ends the run. */
class DeclarativeStages {
  final List<String> ran = []

  void stage(String name, Closure body) {
    ran << name
    body.delegate = new DeclarativeStage()
    body.resolveStrategy = Closure.DELEGATE_FIRST
    body.call()
  }
}

class DeclarativeStage {
  void steps(Closure body) { body.call() }
}

/**
 * One pipeline run with stubbed steps, the way Jenkins would give them to a shared library:
 * `sh` really runs /bin/sh -xe (as Jenkins' sh step does) in the workspace with the current
 * environment; withEnv and withCredentials set variables for their block; `input` answers as the
 * case says (and fails when the case expects none); junit, archiveArtifacts and publishHTML are
 * recorded. The console is recorded raw, with no masking, so a test can check that no secret
 * ever reached it (Jenkins' masking is only a second line of defence).
 */
class PipelineHarness {
  final Map spec
  final File workspace
  final File varsDir
  final ClassLoader loader
  final Map<String, String> env = new LinkedHashMap<String, String>()
  final List<String> console = []
  final List<Map> shCalls = []
  final List<Map> stepCalls = []
  final List<List<String>> withEnvCalls = []
  final List<String> stagesRun = []
  String library
  String buildResult = 'SUCCESS'

  PipelineHarness(Map spec, File varsDir, ClassLoader loader) {
    this.spec = spec
    this.varsDir = varsDir
    this.loader = loader
    this.workspace = new File((String) spec.workspace)
    System.getenv().each { k, v -> if (!k.startsWith('CI_CONNECT_')) env[k] = v }
    env.WORKSPACE = workspace.path
    ((Map) (spec.env ?: [:])).each { k, v -> env[(String) k] = (String) v }
  }

  /** Runs the case's pipeline code (a Jenkinsfile's steps); returns what the run left behind. */
  Map run() {
    Binding binding = binding()
    Object returned = null
    String error = null
    try {
      returned = new GroovyShell(loader, binding).evaluate(withoutLibraryLine((String) spec.pipeline), 'Jenkinsfile')
    } catch (PipelineError e) {
      error = e.message
      console << "ERROR: ${e.message}".toString()
      worsen('FAILURE')
    } catch (PipelineAborted e) {
      error = e.message
      console << "Aborted: ${e.message}".toString()
      worsen('ABORTED')
    }
    return [
      name: spec.name,
      buildResult: buildResult,
      returned: returned instanceof Map ? returned : null,
      // A Jenkinsfile keeps what a step returns across later steps: CPS saves it with Java serialization.
      returnedSerializable: returned instanceof Map ? serializable(returned) : null,
      error: error,
      console: console.join('\n'),
      sh: shCalls,
      steps: stepCalls,
      withEnv: withEnvCalls,
      library: library,
      stages: stagesRun,
    ]
  }

  private static boolean serializable(Object value) {
    try {
      new ObjectOutputStream(new ByteArrayOutputStream()).writeObject(value)
      return true
    } catch (NotSerializableException ignored) {
      return false
    }
  }

  /** `@Library('name@version') _` loads the library in Jenkins; here it is recorded and dropped. */
  private String withoutLibraryLine(String code) {
    def line = code =~ /(?m)^@Library\('([^']*)'\) _[ \t]*$/
    if (!line.find()) return code
    library = line.group(1)
    return code.substring(0, line.start()) + '//' + code.substring(line.start())
  }

  /** Declarative Pipeline as far as the docs use it: agent, environment (into env), stages, stage, steps. */
  private Object declarative(Closure body) {
    DeclarativePipeline sections = new DeclarativePipeline()
    body.delegate = sections
    body.resolveStrategy = Closure.DELEGATE_FIRST
    body.call()
    if (sections.environment != null) {
      Map<String, Object> values = [:]
      sections.environment.delegate = values
      sections.environment.resolveStrategy = Closure.DELEGATE_FIRST
      sections.environment.call()
      values.each { k, v -> env[k] = v.toString() }
    }
    DeclarativeStages stages = new DeclarativeStages()
    try {
      sections.stages.delegate = stages
      sections.stages.resolveStrategy = Closure.DELEGATE_FIRST
      sections.stages.call()
    } finally {
      stagesRun.addAll(stages.ran)
    }
    return null
  }

  private void worsen(String result) {
    List<String> order = ['SUCCESS', 'UNSTABLE', 'FAILURE', 'ABORTED']
    if (order.indexOf(result) > order.indexOf(buildResult)) buildResult = result
  }

  private File file(Object path) {
    File f = new File(path.toString())
    return f.absolute ? f : new File(workspace, path.toString())
  }

  private Object withVariables(Map<String, String> added, Closure body) {
    Map<String, String> saved = new LinkedHashMap<String, String>(env)
    env.putAll(added)
    try {
      return body.call()
    } finally {
      env.clear()
      env.putAll(saved)
    }
  }

  private Binding binding() {
    Binding b = new Binding()
    b.setVariable('env', env)
    b.setVariable('any', 'any')
    b.setVariable('pipeline', { Closure body -> declarative(body) })
    b.setVariable('script', { Closure body -> body.call() })
    b.setVariable('timeout', { Map m, Closure body ->
      record('timeout', m)
      body.call()
    })
    b.setVariable('currentBuild', [result: null])
    b.setVariable('echo', { Object message -> console << message.toString() })
    b.setVariable('error', { Object message -> throw new PipelineError(message.toString()) })
    b.setVariable('unstable', { Object arg ->
      String message = arg instanceof Map ? arg.message : arg.toString()
      console << "WARNING: ${message}".toString()
      stepCalls << [step: 'unstable', message: message]
      worsen('UNSTABLE')
    })
    b.setVariable('sh', { Object arg -> sh(arg instanceof Map ? (Map) arg : [script: arg.toString()]) })
    b.setVariable('withEnv', { List entries, Closure body ->
      List<String> list = entries.collect { it.toString() }
      withEnvCalls << list
      Map<String, String> added = [:]
      list.each { String e -> int at = e.indexOf('='); added[e.substring(0, at)] = e.substring(at + 1) }
      withVariables(added, body)
    })
    b.setVariable('string', { Map m -> [type: 'string', credentialsId: m.credentialsId, variable: m.variable] })
    b.setVariable('usernamePassword', { Map m ->
      [type: 'usernamePassword', credentialsId: m.credentialsId, usernameVariable: m.usernameVariable, passwordVariable: m.passwordVariable]
    })
    b.setVariable('withCredentials', { List bindings, Closure body -> withCredentials(bindings, body) })
    b.setVariable('input', { Map params -> input(params) })
    // As Jenkins: pwd(tmp: true) only names <workspace>@tmp; the sh step creates it (its control files live there).
    b.setVariable('pwd', { Map m = [:] -> m?.tmp ? tmpDir().path : workspace.path })
    b.setVariable('fileExists', { Object arg -> file(arg instanceof Map ? arg.file : arg).exists() })
    b.setVariable('readFile', { Object arg -> file(arg instanceof Map ? arg.file : arg).getText('UTF-8') })
    b.setVariable('writeFile', { Map m -> file(m.file).setText(m.text.toString(), 'UTF-8') })
    b.setVariable('junit', { Object arg -> record('junit', arg instanceof Map ? arg : [testResults: arg.toString()]) })
    b.setVariable('archiveArtifacts', { Object arg ->
      record('archiveArtifacts', arg instanceof Map ? arg : [artifacts: arg.toString()])
    })
    b.setVariable('publishHTML', { Object arg ->
      if (spec.htmlPublisher == false)
        throw new NoSuchMethodError("No such DSL method 'publishHTML' found among steps [archiveArtifacts, junit, sh, ...]")
      record('publishHTML', arg instanceof Map && arg.target instanceof Map ? (Map) arg.target : (Map) arg)
    })
    ['ciConnectEvaluate', 'ciConnectTriggerDeployment', 'ciConnectPromote'].each { String name ->
      b.setVariable(name, { Map args = [:] -> loadVar(name, b).invokeMethod('call', [args] as Object[]) })
    }
    return b
  }

  /** A vars/ script, loaded as Jenkins does: a Script whose unknown methods are the pipeline's steps. */
  private Script loadVar(String name, Binding b) {
    return new GroovyShell(loader, b).parse(new File(varsDir, "${name}.groovy"))
  }

  private Object record(String step, Map args) {
    Map plain = [:]
    args.each { k, v -> plain[k.toString()] = v instanceof CharSequence ? v.toString() : v }
    stepCalls << ([step: step] + plain)
    return null
  }

  private File tmpDir() {
    return new File(workspace.path + '@tmp')
  }

  private Object sh(Map m) {
    String script = m.script.toString()
    File control = new File(tmpDir(), "durable-${UUID.randomUUID().toString().substring(0, 8)}")
    control.mkdirs()
    File scriptFile = new File(control, 'script.sh')
    scriptFile.setText(script, 'UTF-8')
    ProcessBuilder pb = new ProcessBuilder('/bin/sh', '-xe', scriptFile.path).directory(workspace).redirectErrorStream(true)
    pb.environment().clear()
    pb.environment().putAll(env)
    Process p = pb.start()
    p.outputStream.close()
    StringBuilder out = new StringBuilder()
    Thread reader = Thread.start { out.append(p.inputStream.getText('UTF-8')) }
    if (!p.waitFor(180, TimeUnit.SECONDS)) p.destroyForcibly()
    reader.join()
    int code = p.exitValue()
    control.deleteDir()
    console << out.toString()
    shCalls << [script: script, label: m.label?.toString(), returnStatus: m.returnStatus == true, exitCode: code]
    if (m.returnStatus) return code
    if (code != 0) throw new PipelineError("script returned exit code ${code}")
    return null
  }

  private Object withCredentials(List bindings, Closure body) {
    Map store = (Map) (spec.credentials ?: [:])
    Map<String, String> added = [:]
    bindings.each { Map binding ->
      Object secret = store[binding.credentialsId]
      if (secret == null) throw new PipelineError("Could not find credentials entry with ID '${binding.credentialsId}'")
      if (binding.type == 'string') {
        added[(String) binding.variable] = secret.toString()
      } else {
        added[(String) binding.usernameVariable] = ((Map) secret).username.toString()
        added[(String) binding.passwordVariable] = ((Map) secret).password.toString()
      }
    }
    stepCalls << [step: 'withCredentials', variables: added.keySet().sort()]
    return withVariables(added, body)
  }

  private Object input(Map params) {
    Map plain = [:]
    params.each { k, v -> plain[k.toString()] = v?.toString() }
    stepCalls << ([step: 'input'] + plain)
    Map answer = (Map) spec.input
    if (answer == null) throw new PipelineError("unexpected input step: ${JsonOutput.toJson(plain)}")
    if (answer.abort) throw new PipelineAborted("Rejected by ${answer.abort}")
    // With submitterParameter as its only parameter, input returns the approver's id.
    return params.submitterParameter ? answer.approver : null
  }
}
