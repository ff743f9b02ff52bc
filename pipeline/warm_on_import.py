"""Importing this module warms the process (`pipeline.warm`): a process pool's forkserver
preloads it, and a process about to fork guarded extractions imports it once."""

from nenpo.pipeline.warm import warm

warm()
