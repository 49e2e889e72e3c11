"""The staff console: server-rendered pages at /console for operators, tracers, supervisors and curators."""
