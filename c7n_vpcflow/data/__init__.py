"""Data describing the world, each file with its source, and the one reader of each
(frameworks.json: frameworks; prices.json: its reader is cost.prices, which checks it
against schemas/prices.schema.json). Read by every user of it, never copied; imports nothing
of the package.
"""
