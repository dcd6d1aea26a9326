// Runs each case of a JSON file as a pipeline with stubbed steps (PipelineHarness), in one JVM:
// groovy -cp src:test/stubs:test test/run-pipelines.groovy <cases.json> <results.json>
// Driven by test/jenkins-lib.test.ts at the repository root.
import groovy.json.JsonOutput
import groovy.json.JsonSlurperClassic

File libRoot = new File(getClass().protectionDomain.codeSource.location.path).parentFile.parentFile
if (!new File(libRoot, 'vars').isDirectory()) libRoot = new File('.').canonicalFile
List cases = (List) new JsonSlurperClassic().parse(new File(args[0]), 'UTF-8')
List results = cases.collect { Map spec ->
  new PipelineHarness(spec, new File(libRoot, 'vars'), this.class.classLoader).run()
}
new File(args[1]).setText(JsonOutput.prettyPrint(JsonOutput.toJson(results)), 'UTF-8')
