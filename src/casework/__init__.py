"""casework: software for a health-care Case Management Program."""
