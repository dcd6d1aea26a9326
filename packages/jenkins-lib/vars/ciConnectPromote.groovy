// ciConnectPromote: deploy a version that passed the stage before to `stage` (`ci-connect promote`).
// Arguments and result: see ciConnectPromote.txt and docs/ci/jenkins.md.
import io.ciconnect.CiConnectStep

def call(Map args = [:]) {
  return new CiConnectStep(this).run('promote', args)
}
