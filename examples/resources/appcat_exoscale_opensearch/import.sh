# An existing instance is imported by namespace/name of its ExoscaleOpenSearch claim.
terraform import appcat_exoscale_opensearch.search my-namespace/my-search
