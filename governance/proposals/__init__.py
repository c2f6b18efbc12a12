"""Governance proposals as YAML files: models per kind, a loader whose errors point at file:line:column, semantic
rules with ids, JSON Schema for editors, and templates."""
