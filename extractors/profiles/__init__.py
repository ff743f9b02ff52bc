"""Report families declared in YAML: the profile model (`model`), loading with errors that
name file, line and field (`load`), the engine that reads a PDF by a profile (`engine`) and
the factory that makes each profile a `ReportFamily` (`family`)."""
