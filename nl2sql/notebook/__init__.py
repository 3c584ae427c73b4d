"""The notebook side of ChatBI: what Jupyter shows for an answer, its table and its chart."""
