"""The steps that turn an empty database into the demo site, in order: what `make run` runs
before it serves, and what the browser journey tests run on their own temporary database.
Each is a `manage.py` command line; every step is safe to run again on a prepared database."""

PREPARE: list[list[str]] = [
    ["migrate", "--noinput", "-v0"],
    ["createcachetable"],
    ["load_demo", "--if-empty"],
    # The loader writes in bulk, past the signals that index one item at a time: index every
    # public item now (before the server answers), and leave the vectors and recommendations
    # to the worker. On a second start this only checks.
    ["search_index", "ensure"],
]
