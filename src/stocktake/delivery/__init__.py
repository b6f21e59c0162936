"""The delivery logic, in plain Python.

Nothing in this package imports Django: trajectories, rollups, status and
periods are rules a delivery unit should be able to read, test and reuse
without a database. The Django apps call into it.
"""
