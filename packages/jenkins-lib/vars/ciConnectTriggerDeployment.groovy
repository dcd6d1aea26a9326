// ciConnectTriggerDeployment: run a stage's sequence from the shipyard (`ci-connect trigger-deployment`).
// Arguments and result: see ciConnectTriggerDeployment.txt and docs/ci/jenkins.md.
import io.ciconnect.CiConnectStep

def call(Map args = [:]) {
  return new CiConnectStep(this).run('trigger-deployment', args)
}
