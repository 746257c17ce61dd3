"""The org's HTTP routes, thin over the org model; one module per area of the REST API."""
