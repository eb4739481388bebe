"""The lessons' problems (data, models, training routines), NumPy only; import a module by name,
e.g. ``from wdlib.tasks import normalized`` (lesson 09)."""
