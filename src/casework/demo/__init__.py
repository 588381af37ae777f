"""Demo data for `make run` (`casework demo-data`), composed from the contexts' own seeds
(`<context>/seed.py`), each of which writes through its context's services."""
