import {
  to = appcat_exoscale_opensearch.search
  id = "my-namespace/my-search"
}
