"""Nothing of this context is in the admin: every table here holds consumer data, which
the policy gives administrators no access to (S3, S8, S20). Read it through the pages
and the API, which check the relationship and audit each read; see
`casework.core.admin`."""
