// Package controller is the platform controller of the local AppCat platform. For every claim
// of the kinds in kinds.go it does, as far as a client
// of the Kubernetes API can see, what AppCat and Crossplane do — without running a database:
//
//   - Crossplane's claim finalizer, spec.compositionRef (the kind's default
//     composition) and spec.resourceRef (composite X<Kind> named <claim>-<5 random letters>);
//   - the instance namespace vshn-<service>-<composite> with a RoleBinding
//     appcat:services:read for the subjects of the claim namespace's appcat-customer binding;
//   - the connection secret named by spec.writeConnectionSecretToRef, with the keys AppCat
//     writes, certificates signed by the platform CA (Secret appcat-system/platform-ca) and a
//     password that stays the same for the claim's life;
//   - status: instanceNamespace, schedules (random defaults drawn once per claim),
//     the version in each kind's own fields (versions.go), observedGeneration and the
//     conditions Synced and Ready.
//     Ready turns True a provisioning delay after the controller first saw a generation
//     (ConfigMap appcat-system/platform-config, overridable per claim by an annotation);
//   - day-2 operations (operations.go): backups on the effective schedule with retention
//     (api.appcat.vshn.io backup kinds), restore into a new claim, maintenance runs and release
//     tags, all in the claim's platform time (clock-speed annotation), with a data marker in
//     memory.data so that backups and restores can be verified. The platform's memory is the
//     ConfigMap local-platform-state of the instance namespace (state.go), never the claim:
//     a claim's status holds only what AppCat writes there;
//   - on deletion it removes the secret, the backups and the instance namespace itself, because
//     this control plane runs neither the garbage collector nor the namespace controller.
//
// The failNamePattern of the platform config makes matching claims fail, for tests of error
// handling. See ../README.md for the contract with the launcher and the manifests.
package controller
