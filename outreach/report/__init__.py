"""The pilot evaluation report: figures, protection of small numbers, sections, pages."""
