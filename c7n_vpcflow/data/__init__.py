"""Data describing the world, each file with its source, and the one reader of each
(frameworks.json: frameworks). Read by every user of it, never copied; imports nothing of
the package.
"""
