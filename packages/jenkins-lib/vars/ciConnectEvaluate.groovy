// ciConnectEvaluate: the quality gate (`ci-connect evaluate`) as a pipeline step.
// Arguments and result: see ciConnectEvaluate.txt and docs/ci/jenkins.md.
import io.ciconnect.CiConnectStep

def call(Map args = [:]) {
  return new CiConnectStep(this).run('evaluate', args)
}
