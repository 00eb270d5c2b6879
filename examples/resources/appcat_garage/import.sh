# An existing instance is imported by namespace/name of its VSHNGarage claim.
terraform import appcat_garage.files my-namespace/my-files
