# An existing instance is imported by namespace/name of its VSHNForgejo claim.
terraform import appcat_forgejo.git my-namespace/my-git
