"""Rendering: report model, templates, Markdown, Word and charts."""
