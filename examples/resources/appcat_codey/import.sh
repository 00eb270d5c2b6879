# An existing instance is imported by namespace/name of its CodeyInstance claim.
terraform import appcat_codey.code my-namespace/my-code
