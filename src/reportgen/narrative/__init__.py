"""Words and numbers for reports: formatting per language, findings, fixed wording."""
